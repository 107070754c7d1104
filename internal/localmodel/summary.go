package localmodel

import (
	"strings"
	"unicode/utf8"

	"github.com/triage-oss/triage/internal/taxonomy"
)

// emptySummary stands for a text with nothing in it.
const emptySummary = "(empty message)"

// minSentence is the shortest first sentence kept on its own; a shorter
// one ("Hi.") takes the next sentence with it.
const minSentence = 20

// summarize returns an honest extractive summary: the first sentence of
// text, whitespace collapsed, at most taxonomy.MaxSummaryLen bytes of valid
// UTF-8, ending with "…" when cut.
func summarize(text string) string {
	if len(text) > 4*taxonomy.MaxSummaryLen {
		text = text[:4*taxonomy.MaxSummaryLen]
	}
	text = strings.Join(strings.Fields(strings.ToValidUTF8(text, "")), " ")
	if text == "" {
		return emptySummary
	}
	if end := sentenceEnd(text); end > 0 {
		text = text[:end]
	}
	if len(text) <= taxonomy.MaxSummaryLen {
		return text
	}
	const ellipsis = "…"
	cut := taxonomy.MaxSummaryLen - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return strings.TrimSpace(text[:cut]) + ellipsis
}

// sentenceEnd returns the end of the first sentence of at least
// minSentence bytes, or 0 when the text is one sentence.
func sentenceEnd(text string) int {
	for i := minSentence; i < len(text)-1; i++ {
		switch text[i] {
		case '.', '!', '?':
			if text[i+1] == ' ' {
				return i + 1
			}
		}
	}
	return 0
}
