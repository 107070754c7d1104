package embed

import (
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// maxTextBytes bounds the part of a text that Local reads: a knowledge-base
// chunk is far shorter, and embedding time stays bounded whatever the
// input.
const maxTextBytes = 32 << 10

// isTokenRune reports whether r belongs to a word: a letter or a digit.
// Everything else (spaces, punctuation, symbols, the "_" and "/" of URLs)
// separates words.
func isTokenRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func toLowerRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	return unicode.ToLower(r)
}

// tokenizer splits text into lower-cased words. It keeps its buffers
// between calls and is not safe for concurrent use.
type tokenizer struct {
	buf   []byte
	words []string
	// firstLine is the number of words before the first line break that
	// follows a word.
	firstLine int
}

// tokenize returns the words of text, the runs of letters and digits,
// lower-cased: "Can't log-in to Gmail!" gives can, t, log, in, to, gmail.
// Only the first maxTextBytes of text are read. The result is valid until
// the next call.
func (z *tokenizer) tokenize(text string) []string {
	if len(text) > maxTextBytes {
		text = text[:maxTextBytes]
	}
	if cap(z.buf) < len(text)+utf8.UTFMax {
		z.buf = make([]byte, 0, len(text)+utf8.UTFMax)
	}
	z.buf, z.words = z.buf[:0], z.words[:0]
	z.firstLine = -1
	start := -1
	for _, r := range text {
		if r == '\n' && z.firstLine < 0 {
			start = z.end(start)
			if len(z.words) > 0 {
				z.firstLine = len(z.words)
			}
			continue
		}
		if !isTokenRune(r) {
			start = z.end(start)
			continue
		}
		if start < 0 {
			start = len(z.buf)
		}
		z.buf = utf8.AppendRune(z.buf, toLowerRune(r))
	}
	z.end(start)
	if z.firstLine < 0 {
		z.firstLine = len(z.words)
	}
	return z.words
}

// end closes the word that started at start in buf, if any, and returns -1.
// Words longer than maxWordBytes (keys, hashes, base64) are dropped. Words
// are views of buf, which is only appended to during a call: should it grow
// (lower-casing lengthens a few letters), earlier views keep the old array.
func (z *tokenizer) end(start int) int {
	if start >= 0 && len(z.buf)-start <= maxWordBytes {
		z.words = append(z.words, bytesString(z.buf[start:]))
	}
	return -1
}

// bytesString views b as a string without copying; b must not change while
// the string is in use.
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
