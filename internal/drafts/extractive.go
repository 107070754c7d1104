package drafts

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/taxonomy"
)

// Extractive is the offline writer: no model, no network. It quotes the
// sentences of the best passage that share the most words with the item,
// in a fixed reply template, and cites that passage. Its drafts are marked
// extractive so reviewers know no model wrote them.
type Extractive struct {
	// SignOff ends every reply; "— the team" when empty.
	SignOff string
}

var _ Writer = Extractive{}

// maxQuoted bounds how much of the passage a reply quotes.
const maxQuoted = 420

// Write drafts from the best passage, or acknowledges the message when
// there is none.
func (e Extractive) Write(_ context.Context, req Request) (Written, error) {
	w := Written{Extractive: true, Backend: llm.BackendLocal, Model: "extractive-v1"}
	greeting := "Hi,"
	if name := displayName(req.Author); name != "" {
		greeting = "Hi " + name + ","
	}
	signOff := cmp.Or(e.SignOff, "— the team")
	if req.Labels.Intent == taxonomy.IntentEngagement {
		// Praise and chatter want a thank-you, not a help article.
		w.Body = fmt.Sprintf("%s\n\nThank you, that's great to hear! We'll pass it on to the team.\n\n%s", greeting, signOff)
		return w, nil
	}
	if len(req.Passages) == 0 {
		w.Body = fmt.Sprintf("%s\n\nThanks for getting in touch. A teammate is looking into this and will get back to you here.\n\n%s", greeting, signOff)
		return w, nil
	}
	best := req.Passages[0]
	quote := bestSentences(best.Text, req.Text, maxQuoted)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\nThanks for reaching out. This is from our help article \"%s\":\n\n", greeting, best.Title)
	for line := range strings.Lines(quote) {
		b.WriteString("> " + line)
	}
	if best.URL != "" {
		fmt.Fprintf(&b, "\n\nThe full article: %s", best.URL)
	}
	fmt.Fprintf(&b, "\n\nIf this doesn't solve it, reply here and a teammate will take a closer look.\n\n%s", signOff)
	w.Body, w.Cited = b.String(), []int{best.N}
	return w, nil
}

// displayName turns "@jo_doe" or "u/jo" into a name to greet.
func displayName(author string) string {
	a := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(author), "@"), "u/")
	if a == "" || strings.ContainsAny(a, " <>") || len(a) > 40 {
		return ""
	}
	return a
}

var sentenceEnd = regexp.MustCompile(`(?s)[^.!?\n]+[.!?]*`)

// bestSentences returns the sentences of passage, in their order, that
// share the most words with text, up to max bytes.
func bestSentences(passage, text string, max int) string {
	words := wordSet(text)
	sentences := sentenceEnd.FindAllString(passage, -1)
	type scored struct {
		i     int
		score int
	}
	var ss []scored
	for i, s := range sentences {
		n := 0
		for w := range wordSet(s) {
			if words[w] {
				n++
			}
		}
		ss = append(ss, scored{i, n})
	}
	slices.SortStableFunc(ss, func(a, b scored) int { return b.score - a.score })
	var keep []int
	size := 0
	for _, s := range ss {
		t := strings.TrimSpace(sentences[s.i])
		if size+len(t) > max && len(keep) > 0 {
			break
		}
		keep, size = append(keep, s.i), size+len(t)+1
	}
	slices.Sort(keep)
	parts := make([]string, len(keep))
	for i, k := range keep {
		parts[i] = strings.TrimSpace(sentences[k])
	}
	return strings.Join(parts, " ")
}

func wordSet(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len(w) > 3 { // skip the, and, you...
			out[w] = true
		}
	}
	return out
}
