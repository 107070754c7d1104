package drafts

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/triage-oss/triage/internal/taxonomy"
)

// Deserves reports whether an item with labels should get a drafted reply,
// and if not, why. Noise and spam get none; a risk other than none is
// escalated to its owners, never answered by a draft; everything else
// (support issues, product feedback, engagement) gets one.
func Deserves(labels taxonomy.Classification) (bool, string) {
	switch {
	case labels.Risk == taxonomy.RiskSpam:
		return false, "spam"
	case labels.Risk != taxonomy.RiskNone:
		return false, "risk " + string(labels.Risk) + " is escalated, not answered by a draft"
	case labels.Intent == taxonomy.IntentNoise, labels.Intent == taxonomy.IntentRiskSignal:
		return false, string(labels.Intent)
	}
	return true, ""
}

// NeedsCitation reports whether a reply to an item with labels must be
// backed by the knowledge base: everything but engagement (praise, thanks,
// chatter), which is answered with thanks.
func NeedsCitation(labels taxonomy.Classification) bool {
	return labels.Intent != taxonomy.IntentEngagement
}

// Rule is one thing a draft must not promise.
type Rule struct {
	Name string
	re   *regexp.Regexp
}

// DefaultRules forbid promising money, dates or legal positions: only a
// person who can commit the company may write those.
var DefaultRules = mustRules(`
refund: \b(we('| wi)ll|we are going to|i('| wi)ll|you('| wi)ll (get|receive))\b[^.!?\n]{0,40}\b(refund|reimburse|credit|money back|compensat)
refund: \b(refund|reimbursement|credit)\b[^.!?\n]{0,30}\b(has been|is being|will be) (issued|processed|approved|sent)
date: \b(by|before|on|within) (monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|end of (the )?(day|week|month)|\d{1,2}(st|nd|rd|th)?( of)? [a-z]+|\d+ (hours?|days?|weeks?))\b
date: \b(will be|is going to be|gets?) (fixed|resolved|released|back)\b[^.!?\n]{0,20}\b(today|tomorrow|tonight|this week|next week|by)\b
legal: \b(we are|we're) not (liable|responsible)\b
legal: \b(guarantee|guaranteed|legally|liability|lawsuit|compensation claim)\b
`)

// ParseRules reads rules, one per line: "name: regular expression"
// (case-insensitive); blank lines and lines starting with # are ignored.
func ParseRules(r io.Reader) ([]Rule, error) {
	var out []Rule
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		name, expr, ok := strings.Cut(t, ":")
		if !ok || strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("line %d: want \"name: regular expression\"", line)
		}
		re, err := regexp.Compile("(?i)" + strings.TrimSpace(expr))
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, Rule{Name: strings.TrimSpace(name), re: re})
	}
	return out, sc.Err()
}

func mustRules(src string) []Rule {
	rules, err := ParseRules(strings.NewReader(src))
	if err != nil {
		panic(err)
	}
	return rules
}

var urlRE = regexp.MustCompile(`https?://[^\s)>\]"']+`)

// Check returns the flags a reviewer should see for a draft body that
// cites the given passages out of those retrieved. A reply that needs no
// source (a thank-you to praise: see NeedsCitation) is not flagged for
// citing none.
func Check(body string, cited []int, retrieved []Passage, rules []Rule, labels taxonomy.Classification) []Flag {
	var flags []Flag
	needed := NeedsCitation(labels)
	if len(retrieved) == 0 && needed {
		flags = append(flags, Flag{FlagNoPassages, "the knowledge base had nothing on this: the draft is not backed by any article"})
	}
	valid := 0
	for _, n := range cited {
		if n >= 1 && n <= len(retrieved) {
			valid++
		} else {
			flags = append(flags, Flag{FlagUnknownCitation, fmt.Sprintf("cites passage [%d], which was not retrieved", n)})
		}
	}
	if valid == 0 && needed {
		flags = append(flags, Flag{FlagNoCitation, "the draft cites none of the retrieved passages: check every claim"})
	}
	seen := map[string]bool{}
	for _, r := range rules {
		if m := r.re.FindString(body); m != "" && !seen[r.Name] {
			seen[r.Name] = true
			flags = append(flags, Flag{FlagForbiddenPromise, fmt.Sprintf("%s: %q: only someone who can commit the company may promise this", r.Name, m)})
		}
	}
	for _, u := range urlRE.FindAllString(body, -1) {
		u = strings.TrimRight(u, ".,;:!?")
		if !slices.ContainsFunc(retrieved, func(p Passage) bool { return p.URL != "" && strings.HasPrefix(u, strings.TrimRight(p.URL, "/")) }) {
			flags = append(flags, Flag{FlagUnknownURL, fmt.Sprintf("links to %s, which no retrieved article does", u)})
		}
	}
	return flags
}
