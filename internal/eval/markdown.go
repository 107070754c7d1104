package eval

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// mdTable writes a Markdown table padded so its columns line up in a
// terminal. align has one letter per column, l (left) or r (right). A "|"
// or a control character in a cell cannot break the table.
func mdTable(b *strings.Builder, align string, header []string, rows [][]string) {
	all := append([][]string{header}, rows...)
	width := make([]int, len(header))
	for _, row := range all {
		for i, cell := range row {
			row[i] = mdCell(cell)
			width[i] = max(width[i], utf8.RuneCountInString(row[i]), 3)
		}
	}
	for r, row := range all {
		b.WriteString("|")
		for i, cell := range row {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(cell))
			if align[i] == 'l' {
				b.WriteString(" " + cell + pad + " |")
			} else {
				b.WriteString(" " + pad + cell + " |")
			}
		}
		b.WriteString("\n")
		if r == 0 {
			mdRule(b, align, width)
		}
	}
}

// mdRule writes the header rule of a table.
func mdRule(b *strings.Builder, align string, width []int) {
	b.WriteString("|")
	for i, w := range width {
		if align[i] == 'l' {
			b.WriteString(" :" + strings.Repeat("-", w-1) + " |")
		} else {
			b.WriteString(" " + strings.Repeat("-", w-1) + ": |")
		}
	}
	b.WriteString("\n")
}

// mdCell makes s safe in a table cell.
func mdCell(s string) string {
	return strings.ReplaceAll(stripControls(s), "|", `\|`)
}

// mdText makes untrusted text safe as Markdown on one line: control and
// bidirectional-override characters removed, runs of space collapsed,
// Markdown punctuation escaped, and at most limit runes kept.
func mdText(s string, limit int) string {
	s = strings.Join(strings.Fields(stripControls(s)), " ")
	if utf8.RuneCountInString(s) > limit {
		s = string([]rune(s)[:limit]) + "…"
	}
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>|#!", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// stripControls replaces control characters, which could drive a
// terminal, with spaces, and drops bidirectional overrides, which could
// make text read other than it is.
func stripControls(s string) string { return stripControlsExcept(s, "") }

// stripControlsExcept is stripControls keeping the control characters in keep.
func stripControlsExcept(s, keep string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case strings.ContainsRune(keep, r):
			return r
		case unicode.IsControl(r):
			return ' '
		case unicode.Is(unicode.Bidi_Control, r):
			return -1
		}
		return r
	}, s)
}

// plural is n and noun, in the plural unless n is 1: "1 fix",
// "2 regressions".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "x") {
		return fmt.Sprintf("%d %ses", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
