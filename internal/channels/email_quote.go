package channels

import (
	"regexp"
	"strings"
)

// emailStripQuotes returns what the author of a message wrote now: the
// body cut at the quoted history of a reply or at the signature. It cuts
// at the earliest of
//
//   - a line that is exactly "-- " (the signature delimiter);
//   - an attribution such as "On <date>, <name> wrote:" (or "Le ... a écrit
//     :", "Am ... schrieb ...:", "El ... escribió:" and a few more), one
//     line or wrapped over up to three;
//   - "-----Original Message-----" and its translations;
//   - an Outlook header block: "From:" followed within a few lines by two
//     of "Sent:", "Date:", "To:", "Subject:", "Cc:" (or translations), with
//     the separator line above it;
//   - the run of ">" lines (and blank ones) that ends the body.
//
// Forwarded content is new content: nothing after a forward marker
// ("---------- Forwarded message ---------", "Begin forwarded message:")
// is cut, nor a signature above one, and nothing at all in a message whose
// subject says it is a forward. When the cut would leave nothing (a
// bottom-posted reply), the quoted lines and attributions are removed
// instead, and the signature after them; when that too leaves nothing, the
// body is kept whole. It
// reports whether anything was removed.
func emailStripQuotes(body string, forward bool) (string, bool) {
	if forward {
		return body, false
	}
	lines := strings.Split(body, "\n")
	cut := emailQuoteCut(lines)
	if cut < 0 {
		return body, false
	}
	if kept := strings.TrimSpace(strings.Join(lines[:cut], "\n")); kept != "" {
		return kept, true
	}
	if kept := emailUnquoted(lines); kept != "" {
		return emailCutSignature(kept), true
	}
	return body, false
}

// emailCutSignature cuts s at a "-- " line, unless nothing would be left.
func emailCutSignature(s string) string {
	if i := strings.Index(s, "\n-- \n"); i >= 0 {
		if kept := strings.TrimSpace(s[:i]); kept != "" {
			return kept
		}
	}
	return s
}

// emailQuoteCut is the index of the line where the quoted history or the
// signature starts, or -1.
func emailQuoteCut(lines []string) int {
	fwd := len(lines)
	for i, l := range lines {
		if emailForwardMarker(l) {
			fwd = i
			break
		}
	}
	limit, quote := fwd, emailTrailingQuote(lines)
	if quote >= 0 && quote < limit {
		limit = quote
	}
	for i := 0; i < limit; i++ {
		switch {
		case lines[i] == "-- " && fwd == len(lines):
			return i
		case emailAttribution(lines, i) > 0, emailOriginalMarker(lines[i]):
			return i
		case emailOutlookBlock(lines, i):
			return emailSeparatorAbove(lines, i)
		}
	}
	if limit == quote {
		return quote
	}
	return -1
}

// emailTrailingQuote is the first line of the run of ">" and blank lines
// that ends the body, or -1 when the body does not end with a quote.
func emailTrailingQuote(lines []string) int {
	start := -1
	for i := len(lines) - 1; i >= 0; i-- {
		t := strings.TrimSpace(lines[i])
		if t == "" {
			continue
		}
		if !strings.HasPrefix(t, ">") {
			break
		}
		start = i
	}
	return start
}

// emailUnquoted is the body without its ">" lines and attributions, or ""
// when nothing is left or nothing was removed.
func emailUnquoted(lines []string) string {
	var kept []string
	removed := false
	for i := 0; i < len(lines); i++ {
		if n := emailAttribution(lines, i); n > 0 {
			i += n - 1
			removed = true
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(lines[i]), ">") {
			removed = true
			continue
		}
		kept = append(kept, lines[i])
	}
	if !removed {
		return ""
	}
	return strings.TrimSpace(strings.Join(kept, "\n"))
}

// Attribution lines: an introduction ("On", "Le", "Am", "El"...) and a
// verb ("wrote", "a écrit", "schrieb", "escribió"...), ending with ":".
var (
	emailWroteIntros = []string{"On ", "Le ", "Am ", "El ", "Il ", "Op ", "Em ", "Den ", "W dniu "}
	emailWroteVerbs  = []string{"wrote", "writes", "a écrit", "schrieb", "escribió", "ha scritto",
		"schreef", "escreveu", "skrev", "napisał"}
)

// emailMaxAttribution bounds an attribution's length (a name, an address
// and a date).
const emailMaxAttribution = 400

// emailAttribution is the number of lines (1 to 3) of the attribution
// starting at line i, or 0 when there is none. An attribution ends with
// ":", holds a verb such as "wrote", and either starts with an
// introduction such as "On " and holds a date (a digit), or is followed by
// a quoted line.
func emailAttribution(lines []string, i int) int {
	first := strings.TrimSpace(lines[i])
	if first == "" || strings.HasPrefix(first, ">") {
		return 0
	}
	joined := first
	for n := 1; n <= 3 && i+n <= len(lines); n++ {
		if n > 1 {
			next := strings.TrimSpace(lines[i+n-1])
			if next == "" || strings.HasSuffix(joined, ".") || strings.HasPrefix(next, ">") {
				return 0
			}
			joined += " " + next
		}
		if len(joined) > emailMaxAttribution {
			return 0
		}
		if !strings.HasSuffix(joined, ":") || !emailHasVerb(joined) {
			continue
		}
		if emailHasIntro(first) && strings.ContainsAny(joined, "0123456789") || emailQuoteFollows(lines, i+n) {
			return n
		}
		return 0
	}
	return 0
}

func emailHasVerb(s string) bool {
	s = strings.ToLower(s)
	for _, v := range emailWroteVerbs {
		if strings.Contains(s, v) {
			return true
		}
	}
	return false
}

func emailHasIntro(s string) bool {
	for _, p := range emailWroteIntros {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// emailQuoteFollows reports whether the first non-blank line from i on is
// quoted.
func emailQuoteFollows(lines []string, i int) bool {
	for ; i < len(lines); i++ {
		if t := strings.TrimSpace(lines[i]); t != "" {
			return strings.HasPrefix(t, ">")
		}
	}
	return false
}

var (
	// emailOriginalRE matches Outlook's "-----Original Message-----" and
	// its translations.
	emailOriginalRE = regexp.MustCompile(`(?i)^-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original|messaggio originale|oorspronkelijk bericht|mensagem original|originalmeddelande)\s*-{2,}$`)
	// emailForwardRE matches the line above forwarded content.
	emailForwardRE = regexp.MustCompile(`(?i)^(-{2,}\s*(forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado|messaggio inoltrato|doorgestuurd bericht|mensagem encaminhada)\s*-{2,}|begin forwarded message\s*:|début du message réexpédié\s*:|anfang der weitergeleiteten nachricht\s*:)$`)
	// emailSeparatorRE matches a line drawn above an Outlook header block.
	emailSeparatorRE = regexp.MustCompile(`^(_{5,}|-{5,})$`)
)

func emailOriginalMarker(line string) bool {
	t := strings.TrimSpace(line)
	return strings.HasPrefix(t, "--") && emailOriginalRE.MatchString(t)
}

func emailForwardMarker(line string) bool {
	t := strings.TrimSpace(line)
	return t != "" && strings.ContainsRune("-BbDdAa", rune(t[0])) && emailForwardRE.MatchString(t)
}

// Labels of an Outlook header block, in the languages of the attributions.
var (
	emailFromLabels  = map[string]bool{"from": true, "de": true, "von": true, "van": true, "da": true, "från": true, "fra": true, "od": true}
	emailOtherLabels = map[string]bool{
		"sent": true, "date": true, "to": true, "subject": true, "cc": true,
		"envoyé": true, "à": true, "objet": true,
		"gesendet": true, "datum": true, "an": true, "betreff": true,
		"enviado": true, "enviado el": true, "fecha": true, "para": true, "asunto": true,
		"inviato": true, "data": true, "a": true, "oggetto": true,
		"verzonden": true, "aan": true, "onderwerp": true,
	}
)

// emailOutlookBlock reports whether line i starts an Outlook header block:
// a "From:" line followed within five lines by two other header labels.
func emailOutlookBlock(lines []string, i int) bool {
	if !emailFromLabels[emailLabel(lines[i])] {
		return false
	}
	seen := map[string]bool{}
	for j := i + 1; j < len(lines) && j <= i+5; j++ {
		if l := emailLabel(lines[j]); emailOtherLabels[l] {
			seen[l] = true
		}
	}
	return len(seen) >= 2
}

// emailLabel is the lower-cased label of a "Label: value" line (bold
// "*Label:*" in plain text made from HTML too), or "".
func emailLabel(line string) string {
	if len(line) > 64 {
		line = line[:64] // a label comes first
	}
	t := strings.TrimLeft(strings.TrimSpace(line), "*")
	label, _, ok := strings.Cut(t, ":")
	if !ok || len(label) > 20 {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(label))
}

// emailSeparatorAbove is i, or the line of a separator ("_____") right
// above line i, blank lines between.
func emailSeparatorAbove(lines []string, i int) int {
	for j := i - 1; j >= 0; j-- {
		t := strings.TrimSpace(lines[j])
		if t == "" {
			continue
		}
		if emailSeparatorRE.MatchString(t) {
			return j
		}
		break
	}
	return i
}

// emailIsForward reports whether a subject says the message is a forward
// ("Fwd:", "Fw:", "WG:", "TR:").
func emailIsForward(subject string) bool {
	s := strings.ToLower(strings.TrimSpace(subject))
	for _, p := range []string{"fwd:", "fw:", "wg:", "tr:"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
