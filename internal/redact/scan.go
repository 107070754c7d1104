package redact

import (
	"unicode"
	"unicode/utf8"
)

// scan finds the numbers and IBANs of text[start:end], a stretch between
// email addresses. Its ends, like the end of a value just redacted, count
// as neutral context, the way a placeholder's brackets do once redacted:
// so redacting redacted text finds nothing new.
func (f *finder) scan(text string, start, end int) {
	s := text[start:end]
	prev := rune(-1) // no rune: neutral context
	var r run
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case isLetter(c) && !midWord(prev) && leftOK(prev):
			if e, ok := ibanAt(s, i); ok {
				redacted := f.emit(IBAN, start+i, start+e)
				i, prev = e, rune(s[e-1])
				if redacted {
					prev = -1
				}
				continue
			}
		case isDigit(c) || (c == '+' || c == '(') && i+1 < len(s) && isDigit(s[i+1]):
			if r.read(s, i) {
				redacted := f.numbers(s, start, &r, leftOK(prev))
				i, prev = r.end, rune(s[r.end-1])
				if redacted {
					prev = -1
				}
				continue
			}
		}
		if c < utf8.RuneSelf {
			prev = rune(c)
			i++
			continue
		}
		var size int
		prev, size = utf8.DecodeRuneInString(s[i:])
		i += size
	}
}

// midWord reports whether prev is an ASCII letter or digit: the common
// case of a letter inside a word, which starts nothing.
func midWord(prev rune) bool { return 0 <= prev && prev < utf8.RuneSelf && isAlnum(byte(prev)) }

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }
func isAlnum(c byte) bool  { return isDigit(c) || isLetter(c) }

// unspaced reports whether r is a letter of a script written without
// spaces between words (Chinese, Japanese, Thai...) or whose particles
// attach to numbers (Korean): a value may touch such letters directly.
func unspaced(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul,
		unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar)
}

// isWord reports whether r continues a word: an ASCII letter or digit, or
// a letter, digit or mark of a script that separates words with spaces.
func isWord(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 0 && isAlnum(byte(r))
	}
	return (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)) && !unspaced(r)
}

// glued lists the ASCII characters that tie a number to what precedes or
// follows it: an address, a path, an order number (#91702), an amount, a
// percentage, an identifier.
const glued = "@#$%&*+-./=\\_^~`|"

// gluedSet is glued as a table.
var gluedSet = func() (t [utf8.RuneSelf]bool) {
	for i := range len(glued) {
		t[glued[i]] = true
	}
	return t
}()

// leftOK reports whether a number or an IBAN may start after prev (-1 for
// none, or for a value just redacted). Whatever may end a value that was
// not redacted (a digit, a letter, the parenthesis of "(555)") stops the
// next one, as the next one stops it (see rightOK).
func leftOK(prev rune) bool {
	switch {
	case prev < 0:
		return true
	case prev < utf8.RuneSelf:
		return !isAlnum(byte(prev)) && !gluedSet[prev] && prev != ')'
	}
	return !isWord(prev) && !unicode.Is(unicode.Sc, prev)
}

// rightOK reports whether a number or an IBAN may end before s[j:]. A
// point may follow it unless a word comes next (a domain, a file name), a
// comma unless a decimal part does (1.234.567,89).
//
// What follows a point or a comma must not decide when it may be redacted
// itself, or redacting it would change the decision the second time: no
// value starts after a point (see leftOK), and a decimal part is too short
// to be one.
func rightOK(s string, j int) bool {
	if j >= len(s) {
		return true
	}
	c := s[j]
	if c >= utf8.RuneSelf {
		r, _ := utf8.DecodeRuneInString(s[j:])
		return !isWord(r) && !unicode.Is(unicode.Sc, r)
	}
	switch {
	case isAlnum(c):
		return false
	case c == ',':
		return !decimalAt(s, j+1)
	case c == '.':
		r, _ := utf8.DecodeRuneInString(s[j+1:])
		return !isWord(r) && !(r < utf8.RuneSelf && contains("@_%+-", byte(r)))
	}
	return !gluedSet[c]
}

// decimalAt reports whether s[j:] starts with the one or two digits of a
// decimal part, which no other digits continue.
func decimalAt(s string, j int) bool {
	k := j
	for k < len(s) && isDigit(s[k]) {
		k++
	}
	if k == j || k-j > 2 || k < len(s) && s[k] == '(' {
		return false
	}
	_, n := sepAt(s, k)
	return n == 0 || k+n == len(s) || !isDigit(s[k+n]) && s[k+n] != '('
}

func contains(set string, c byte) bool {
	for i := 0; i < len(set); i++ {
		if set[i] == c {
			return true
		}
	}
	return false
}

// spaceAt returns the length of the space at s[i:]: an ASCII space, a
// no-break space or a narrow no-break space (French digit groups); 0 if
// there is none.
func spaceAt(s string, i int) int {
	switch {
	case i < len(s) && s[i] == ' ':
		return 1
	case i+1 < len(s) && s[i] == 0xC2 && s[i+1] == 0xA0: // U+00A0
		return 2
	case i+2 < len(s) && s[i] == 0xE2 && s[i+1] == 0x80 && s[i+2] == 0xAF: // U+202F
		return 3
	}
	return 0
}

// currencyAfter reports whether a currency sign follows s[:end], touching
// it or one space away: the number before is an amount.
func currencyAfter(s string, end int) bool {
	r, _ := utf8.DecodeRuneInString(s[end+spaceAt(s, end):])
	return unicode.Is(unicode.Sc, r)
}

// currencyBefore reports whether a currency sign precedes s[start:],
// touching it or one space away.
func currencyBefore(s string, start int) bool {
	before := s[:start]
	if r, n := utf8.DecodeLastRuneInString(before); n > 0 && unicode.IsSpace(r) {
		before = before[:len(before)-n]
	}
	r, _ := utf8.DecodeLastRuneInString(before)
	return unicode.Is(unicode.Sc, r)
}
