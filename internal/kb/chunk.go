package kb

import (
	"strings"
	"unicode/utf8"
)

// Chunking limits, in bytes.
const (
	// TargetChunkBytes is the size a chunk grows to before a new one starts.
	TargetChunkBytes = 900
	// MaxChunkBytes bounds a chunk; a longer paragraph is split at
	// sentence, then word boundaries.
	MaxChunkBytes = 1600
	// OverlapBytes is how much of the end of a chunk the next one repeats,
	// so a passage cut at a boundary is still found whole.
	OverlapBytes = 200
)

// Section is a run of paragraphs under one heading.
type Section struct {
	Heading    string
	Paragraphs []string
}

// Chunk is one passage of an article.
type Chunk struct {
	Ord     int    // position in the article, from 0
	Heading string // "Title › Section"
	Text    string
}

// Split cuts an article's sections into chunks: a chunk never spans two
// sections, grows paragraph by paragraph to about TargetChunkBytes, and
// starts with the last OverlapBytes of the previous chunk of its section.
func Split(title string, sections []Section) []Chunk {
	var out []Chunk
	for _, s := range sections {
		heading := title
		if s.Heading != "" && s.Heading != title {
			heading = title + " › " + s.Heading
		}
		var cur strings.Builder
		flush := func() {
			if t := strings.TrimSpace(cur.String()); t != "" {
				out = append(out, Chunk{Ord: len(out), Heading: heading, Text: t})
			}
			cur.Reset()
		}
		for _, p := range s.Paragraphs {
			for _, piece := range splitLong(p, MaxChunkBytes) {
				if cur.Len() > 0 && cur.Len()+len(piece) > TargetChunkBytes {
					prev := cur.String()
					flush()
					cur.WriteString(tail(prev, OverlapBytes))
				}
				if cur.Len() > 0 {
					cur.WriteString("\n\n")
				}
				cur.WriteString(piece)
			}
		}
		flush()
	}
	return out
}

// splitLong cuts a paragraph longer than max at sentence ends, or failing
// that at spaces.
func splitLong(p string, max int) []string {
	var out []string
	for len(p) > max {
		cut := lastIndexAny(p[:max], ". ! ? \n", max/2)
		if cut < 0 {
			cut = strings.LastIndexByte(p[:max], ' ')
		}
		if cut <= 0 {
			cut = max
			for cut > 0 && !utf8.RuneStart(p[cut]) {
				cut--
			}
		}
		out = append(out, strings.TrimSpace(p[:cut+1]))
		p = strings.TrimSpace(p[cut+1:])
	}
	if p != "" {
		out = append(out, p)
	}
	return out
}

// lastIndexAny returns the last index of a sentence end (one of the
// space-separated seps) at or after min, or -1.
func lastIndexAny(s, seps string, min int) int {
	best := -1
	for _, sep := range strings.Fields(seps) {
		if i := strings.LastIndex(s, sep+" "); i >= min && i > best {
			best = i
		}
	}
	if i := strings.LastIndexByte(s, '\n'); i >= min && i > best {
		best = i
	}
	return best
}

// tail returns about the last n bytes of s, starting at a word.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	t := s[len(s)-n:]
	if i := strings.IndexByte(t, ' '); i >= 0 {
		t = t[i+1:]
	}
	return "… " + t
}
