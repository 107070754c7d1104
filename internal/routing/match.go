package routing

import (
	"slices"
	"strings"
	"unicode"

	"github.com/triage-oss/triage/internal/taxonomy"
)

// match reports whether in satisfies every condition of c.
func (c *condition) match(in Input, t *text) bool {
	l := &in.Labels
	for f, want := range c.labels {
		if got, _ := l.Label(f); !slices.Contains(want, got) {
			return false
		}
	}
	switch {
	case c.channels != nil && !slices.Contains(c.channels, in.Channel),
		c.minSeverity != "" && !atLeast(taxonomy.Severities, l.Severity, c.minSeverity),
		c.minUrgency != "" && !atLeast(taxonomy.Urgencies, l.Urgency, c.minUrgency),
		c.sarcasm != nil && *c.sarcasm != l.Sarcasm,
		c.keywords != nil && !t.hasAny(c.keywords):
		return false
	}
	return true
}

// atLeast reports whether got comes at or after min in order; an unknown
// label is below everything.
func atLeast[T comparable](order []T, got, min T) bool {
	i := slices.Index(order, got)
	return i >= 0 && i >= slices.Index(order, min)
}

// text is an item's text, split into words on first use.
type text struct {
	raw   string
	words []string
	split bool
}

// hasAny reports whether one of phrases occurs in t as whole words.
func (t *text) hasAny(phrases [][]string) bool {
	if !t.split {
		t.words, t.split = words(t.raw), true
	}
	return slices.ContainsFunc(phrases, func(ph []string) bool { return containsPhrase(t.words, ph) })
}

func containsPhrase(ws, phrase []string) bool {
	for i := 0; i+len(phrase) <= len(ws); i++ {
		if slices.Equal(ws[i:i+len(phrase)], phrase) {
			return true
		}
	}
	return false
}

// words lower-cases s and splits it into runs of letters, digits and
// combining marks; everything else separates words.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.IsMark(r)
	})
}
