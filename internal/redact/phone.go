package redact

import "strings"

// validPhone reports whether g (after a + when plus) is a phone number:
// 8 to 15 digits, in an international form (+33 6 12 34 56 78,
// +44 (0)20 7946 0958, +33612345678) or a common national one
// ((555) 123-4567, 555.123.4567, 06 12 34 56 78, 030 1234567,
// 0612345678), and not a date, a list of years, an IP address, a version,
// an amount or a card number that failed its check.
func validPhone(s string, g []group, plus bool) bool {
	d := digits(g)
	if d < minPhone || d > maxPhone {
		return false
	}
	first := s[g[0].start]
	if first == '(' {
		first = s[g[0].start+1]
	}
	if leadingZeros(s, g) >= 3 {
		return false // no country code starts with 0: 000 opens no number
	}
	if plus && (first == '0' || g[0].paren || len(g) > 1 && g[0].digits > 3) {
		return false
	}
	if len(g) == 1 {
		return !g[0].paren && (plus || nationalDigits(s[g[0].start:g[0].end]))
	}
	if !groupsOK(g, plus) {
		return false
	}
	if !plus && !g[0].paren && first != '0' && !areaCodeFirst(s, g) {
		return false
	}
	return !dateLike(s, g) && !yearsLike(s, g) && !thousandsLike(s, g, plus)
}

// leadingZeros returns the number of zeros that open g's digits.
func leadingZeros(s string, g []group) int {
	n := 0
	for i := g[0].start; i < g[len(g)-1].end; i++ {
		switch {
		case s[i] == '0':
			n++
		case isDigit(s[i]):
			return n
		}
	}
	return n
}

// areaCodeFirst reports whether g, a number in groups without a +, a
// parenthesis or a trunk 0, opens as phone numbers do: with a group of
// three (555 123 4567, 612 34 56 78) or a 1 and a group of three
// (1-800-555-0199). Others are sizes, scores or ranges (36 38 40 42,
// 1000-2000), ZIP+4 codes, references (2024-0001-1234), serials, or card
// numbers that failed their check.
func areaCodeFirst(s string, g []group) bool {
	switch g[0].digits {
	case 3:
		return len(g) > 2
	case 1:
		return s[g[0].start] == '1' && g[1].digits == 3 && len(g) > 2
	}
	return false
}

// nationalDigits reports whether digits written together are a national
// phone number: one with a trunk prefix 0 (0612345678, 07700900123), or a
// Chinese mobile number (13812345678). Others (1234567890) are as likely
// order numbers or timestamps.
func nationalDigits(t string) bool {
	switch {
	case t[0] == '0':
		return len(t) >= 9
	case t[0] == '1':
		return len(t) == 11 && t[1] >= '3' && t[1] <= '9'
	}
	return false
}

// groupsOK checks the groups of a phone number written in groups: single
// digits only first (1-800-555-0199) or after the country code
// (+33 6 12 34 56 78); at most one parenthesized group, first or after the
// country code; with points, no single digits and not an IP address.
func groupsOK(g []group, plus bool) bool {
	parenAt := 0
	if plus {
		parenAt = 1
	}
	parens, dots := 0, false
	for i, x := range g {
		switch {
		case x.paren:
			if parens++; parens > 1 || i != parenAt {
				return false
			}
		case x.digits == 1 && i != 0 && i != parenAt && x.sep != 0:
			return false // but +33 (0)1 23 45 67 89
		}
		dots = dots || x.sep == '.'
	}
	if !dots {
		return true
	}
	ip := len(g) == 4
	for _, x := range g {
		if x.digits == 1 {
			return false
		}
		ip = ip && x.digits <= 3
	}
	return !ip
}

// value returns the number group x holds (at most 4 digits, not in
// parentheses), or -1.
func value(s string, x group) int {
	if x.paren || x.digits > 4 {
		return -1
	}
	v := 0
	for i := x.start; i < x.end; i++ {
		v = v*10 + int(s[i]-'0')
	}
	return v
}

func isYear(s string, x group) bool {
	v := value(s, x)
	return x.digits == 4 && v >= 1900 && v <= 2099
}

// dateLike reports whether g starts with a date: 2024-01-15, 15.01.2024,
// 01/15/2024 (a time may follow).
func dateLike(s string, g []group) bool {
	if len(g) < 3 || g[1].sep == 0 || g[2].sep != g[1].sep {
		return false
	}
	a, b, c := value(s, g[0]), value(s, g[1]), value(s, g[2])
	small := func(x group) bool { return x.digits <= 2 }
	if isYear(s, g[0]) && small(g[1]) && small(g[2]) {
		return b >= 1 && b <= 12 && c >= 1 && c <= 31
	}
	if isYear(s, g[2]) && small(g[0]) && small(g[1]) {
		return a >= 1 && b >= 1 && a <= 31 && b <= 31 && (a <= 12 || b <= 12)
	}
	return false
}

// yearsLike reports whether g is a list or range of years: 2019-2020,
// 1999 2000 2001.
func yearsLike(s string, g []group) bool {
	for _, x := range g {
		if !isYear(s, x) {
			return false
		}
	}
	return true
}

// thousandsLike reports whether g is an amount written with thousands
// separators: 12.345.678, 1 234 567, 100 000 000.
func thousandsLike(s string, g []group, plus bool) bool {
	if plus || g[0].paren || g[0].digits > 3 || s[g[0].start] == '0' {
		return false
	}
	for _, x := range g[1:] {
		if x.paren || x.digits != 3 || x.sep != g[1].sep {
			return false
		}
	}
	switch g[1].sep {
	case '.':
		return true
	case ' ':
		// 612 345 678 is a phone number in Spain or Poland, 100 000 000
		// and 12 345 678 are not.
		return g[0].digits < 3 || s[g[0].start] < '5' || strings.Contains(s[g[1].start:g[len(g)-1].end], "000")
	}
	return false
}
