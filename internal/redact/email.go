package redact

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of an address (RFC 5321).
const (
	maxLocal  = 64
	maxDomain = 253
	maxLabel  = 63
)

// nextEmail returns the bytes of the first email address of text that
// starts at or after floor.
//
// An address is local@domain.tld: a local part of letters, digits and
// . _ % + - (not starting or ending with a point, no two points in a row),
// and a domain of at least two labels of letters, digits and hyphens whose
// last label, the top-level domain, is two letters or more. Letters may be
// any script's but those written without spaces, so that an address
// touching Chinese text ends where the address does. A mention (@handle),
// a host without a top-level domain (user@localhost) and a version
// (5.2.1) are not addresses.
func nextEmail(text string, floor int) (start, end int, ok bool) {
	for from := floor; from < len(text); {
		i := strings.IndexByte(text[from:], '@')
		if i < 0 {
			return 0, 0, false
		}
		at := from + i
		start, end = localStart(text, floor, at), domainEnd(text, at+1)
		if validLocal(text[start:at]) && validDomain(text[at+1:end]) {
			return start, end, true
		}
		from = at + 1
	}
	return 0, 0, false
}

func isLocal(r rune) bool {
	return isWord(r) || r == '.' || r == '_' || r == '%' || r == '+' || r == '-'
}

// localStart returns where the local part ending at at begins, not before
// floor.
func localStart(text string, floor, at int) int {
	i := at
	for i > floor {
		r, n := utf8.DecodeLastRuneInString(text[floor:i])
		if !isLocal(r) {
			break
		}
		i -= n
	}
	return i
}

// domainEnd returns where the domain starting at i ends, without a final
// point or hyphen (the end of a sentence).
func domainEnd(text string, i int) int {
	j := i
	for j < len(text) {
		r, n := utf8.DecodeRuneInString(text[j:])
		if !isWord(r) && r != '.' && r != '-' {
			break
		}
		j += n
	}
	for j > i && (text[j-1] == '.' || text[j-1] == '-') {
		j--
	}
	return j
}

func validLocal(l string) bool {
	return l != "" && len(l) <= maxLocal && l[0] != '.' && l[len(l)-1] != '.' &&
		!strings.Contains(l, "..") && strings.IndexFunc(l, isWord) >= 0
}

func validDomain(d string) bool {
	if len(d) > maxDomain {
		return false
	}
	labels := 0
	for d != "" {
		label, rest, _ := strings.Cut(d, ".")
		if label == "" || len(label) > maxLabel || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		labels++
		if rest == "" {
			return labels >= 2 && utf8.RuneCountInString(label) >= 2 && strings.IndexFunc(label, notLetter) < 0
		}
		d = rest
	}
	return false
}

func notLetter(r rune) bool { return !unicode.IsLetter(r) }
