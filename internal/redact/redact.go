package redact

import (
	"strconv"
	"strings"
)

// Redactor replaces the personal data of chosen kinds in text. It holds no
// state between calls and is safe for concurrent use. A nil *Redactor, like
// one made with no kinds, changes nothing.
type Redactor struct {
	kinds Kind
}

// New returns a redactor of the given kinds (All for every kind).
func New(kinds ...Kind) *Redactor {
	r := &Redactor{}
	for _, k := range kinds {
		r.kinds |= k & All
	}
	return r
}

// Kinds returns the kinds r redacts.
func (r *Redactor) Kinds() Kind {
	if r == nil {
		return 0
	}
	return r.kinds
}

// Span is one value found in a text.
type Span struct {
	Kind Kind
	// Start and End are the value's byte offsets in the original text:
	// text[Start:End] is the value.
	Start, End int
	// Placeholder replaced the value: "[EMAIL_1]", "[PHONE_2]".
	Placeholder string
}

// Redact returns text with every value of r's kinds replaced by its
// placeholder, and the spans replaced, in order. Distinct values of a kind
// are numbered from 1 in order of appearance; equal values (emails compared
// without case, numbers without separators) share a placeholder. When
// nothing is found Redact returns text itself and nil, without allocating.
func (r *Redactor) Redact(text string) (string, []Span) {
	if r.Kinds() == 0 {
		return text, nil
	}
	spans := r.find(text)
	if len(spans) == 0 {
		return text, nil
	}
	number(text, spans)
	var b strings.Builder
	b.Grow(len(text))
	last := 0
	for _, s := range spans {
		b.WriteString(text[last:s.Start])
		b.WriteString(s.Placeholder)
		last = s.End
	}
	b.WriteString(text[last:])
	return b.String(), spans
}

// find returns the spans of r's kinds in text, in order. Every detector
// runs whatever r's kinds, so that a value of one kind is never mistaken
// for another (a card number is not redacted as a phone number when only
// phones are asked for).
func (r *Redactor) find(text string) []Span {
	f := finder{kinds: r.kinds}
	start := 0
	for {
		s, e, ok := nextEmail(text, start)
		if !ok {
			break
		}
		f.scan(text, start, s)
		f.emit(Email, s, e)
		start = e
	}
	f.scan(text, start, len(text))
	return f.spans
}

// finder collects the spans of the kinds asked for.
type finder struct {
	kinds Kind
	spans []Span
}

// emit records a value of kind k, and reports whether it is redacted.
func (f *finder) emit(k Kind, start, end int) bool {
	if f.kinds&k == 0 {
		return false
	}
	f.spans = append(f.spans, Span{Kind: k, Start: start, End: end})
	return true
}

// number sets the placeholders of spans, found in text.
func number(text string, spans []Span) {
	var counts [8]int
	seen := make(map[string]string, len(spans))
	for i := range spans {
		s := &spans[i]
		key := normalize(s.Kind, text[s.Start:s.End])
		if p, ok := seen[key]; ok {
			s.Placeholder = p
			continue
		}
		n := &counts[kindIndex(s.Kind)]
		*n++
		s.Placeholder = "[" + s.Kind.label() + "_" + strconv.Itoa(*n) + "]"
		seen[key] = s.Placeholder
	}
}

func kindIndex(k Kind) int {
	i := 0
	for k > 1 {
		k >>= 1
		i++
	}
	return i
}

// normalize returns the key under which equal values meet: the kind, then
// the email in lower case, or the number's letters, digits and + alone.
func normalize(k Kind, v string) string {
	if k == Email {
		return string(rune('0'+kindIndex(k))) + strings.ToLower(v)
	}
	b := make([]byte, 1, len(v)+1)
	b[0] = byte('0' + kindIndex(k))
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case isDigit(c), c == '+', 'A' <= c && c <= 'Z':
			b = append(b, c)
		case 'a' <= c && c <= 'z':
			b = append(b, c-'a'+'A')
		}
	}
	return string(b)
}
