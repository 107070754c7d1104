package redact

// Limits of the numbers Redact finds.
const (
	minPhone, maxPhone = 8, 15 // digits, E.164's maximum included
	minCard, maxCard   = 13, 19
	maxParen           = 5 // digits of a parenthesized group: (0), (555), (0)20
	maxGroups          = 16
)

// group is one group of digits of a run, "555" or "(0)".
type group struct {
	start, end int // bytes, parentheses included
	digits     int
	paren      bool
	// sep is the separator before the group: ' ' (any space), '-', '.',
	// '/', or 0 for the first group and one touching a parenthesis.
	sep byte
}

// run is a maximal sequence of digit groups with single separators,
// perhaps after a +: "+44 (0)20 7946 0958", "4111-1111-1111-1111".
type run struct {
	start, end int
	plus       bool
	n          int // groups; more than maxGroups makes over true
	over       bool
	groups     [maxGroups]group
}

// read reads the run at s[i:], which starts with a digit, a + or a (.
func (r *run) read(s string, i int) bool {
	r.start, r.end, r.plus, r.n, r.over = i, i, false, 0, false
	j := i
	if s[j] == '+' {
		r.plus = true
		j++
	}
	var sep byte
	for {
		g, ok := readGroup(s, j)
		if !ok {
			break
		}
		g.sep = sep
		r.add(g)
		j = g.end
		var n int
		if sep, n = sepAt(s, j); n == 0 && !g.paren && (j >= len(s) || s[j] != '(') {
			break
		}
		j += n
	}
	return r.n > 0 || r.over
}

func (r *run) add(g group) {
	r.end = g.end
	if r.n == maxGroups {
		r.over = true
		return
	}
	r.groups[r.n] = g
	r.n++
}

// readGroup reads digits, or 1 to maxParen digits in parentheses.
func readGroup(s string, i int) (group, bool) {
	g := group{start: i}
	j := i
	if j < len(s) && s[j] == '(' {
		g.paren = true
		j++
	}
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	g.digits = j - i
	if g.paren {
		g.digits--
		if g.digits > maxParen || j >= len(s) || s[j] != ')' {
			return group{}, false
		}
		j++
	}
	g.end = j
	return g, g.digits > 0
}

// sepAt returns the separator at s[i:] and its length (0 if none).
func sepAt(s string, i int) (byte, int) {
	if n := spaceAt(s, i); n > 0 {
		return ' ', n
	}
	if i < len(s) && (s[i] == '-' || s[i] == '.' || s[i] == '/') {
		return s[i], 1
	}
	return 0, 0
}

// numbers emits the card and phone numbers of the run r of s, a segment
// at offset base of the text, and reports whether the run is redacted to
// its end. A run is split when it holds a card number and more digits
// ("4111 1111 1111 1111 12 25"), or phone numbers in a row; a run that is
// part of a word, a path or an amount holds none.
func (f *finder) numbers(s string, base int, r *run, left bool) (toEnd bool) {
	g, plus, start := r.groups[:r.n], r.plus, r.start
	if !left || r.over || digits(g) < minPhone || !rightOK(s, r.end) {
		return false
	}
	// An amount is no phone number. The sign before the run counts for
	// its first number only, as it would once that number is redacted.
	after := currencyAfter(s, r.end)
	phones := !after && !currencyBefore(s, r.start)
	for len(g) > 0 {
		kind, k := classifyGroups(s, g, plus, phones)
		if kind == 0 {
			return false
		}
		toEnd = f.emit(kind, base+start, base+g[k-1].end)
		g, plus, phones = g[k:], false, !after
		if len(g) > 0 {
			start = g[0].start
		}
	}
	return toEnd
}

// classifyGroups returns the kind of the number at the start of g and its
// number of groups; kind 0 if there is none.
func classifyGroups(s string, g []group, plus, phones bool) (Kind, int) {
	if !plus {
		for k := len(g); k >= 1; k-- {
			if d := digits(g[:k]); d >= minCard && d <= maxCard && cardShaped(g[:k]) && luhn(s, g[:k]) {
				return Card, k
			}
		}
	}
	switch {
	case !phones:
	case digits(g) <= maxPhone && validPhone(s, g, plus):
		return Phone, len(g)
	default:
		if k := splitPhones(s, g, plus); k > 0 {
			return Phone, k
		}
	}
	return 0, 0
}

func digits(g []group) int {
	n := 0
	for _, x := range g {
		n += x.digits
	}
	return n
}

// cardShaped reports whether g is written as a card number is: all digits
// together, or a group of four then groups of three to six separated by
// the same space or hyphen (4-4-4-4, 4-6-5, 4-4-4-4-3).
func cardShaped(g []group) bool {
	if len(g) == 1 {
		return !g[0].paren
	}
	if g[0].paren || g[0].digits != 4 || (g[1].sep != ' ' && g[1].sep != '-') {
		return false
	}
	for _, x := range g[1:] {
		if x.paren || x.sep != g[1].sep || x.digits < 3 || x.digits > 6 {
			return false
		}
	}
	return true
}

// luhn reports whether the digits of g are a payment card number: issued
// by a network whose numbers start with 2 to 6 (Mastercard, Amex, Visa,
// Discover, JCB, UnionPay...), with a valid Luhn check digit.
func luhn(s string, g []group) bool {
	if first := s[g[0].start]; first < '2' || first > '6' {
		return false
	}
	sum, double := 0, false
	for i := g[len(g)-1].end - 1; i >= g[0].start; i-- {
		if !isDigit(s[i]) {
			continue
		}
		d := int(s[i] - '0')
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum, double = sum+d, !double
	}
	return sum%10 == 0
}

// splitPhones returns the groups of the phone number that starts g and is
// followed, after a space or a slash, by other digits: when g is phone
// numbers one after the other, the first of the most even split;
// otherwise the longest ("06 12 34 56 78 3 times"). It returns 0 if g
// starts with no phone number.
func splitPhones(s string, g []group, plus bool) int {
	// phones[j] reports whether g[j:] is phone numbers one after the other.
	var phones [maxGroups + 1]bool
	phones[len(g)] = true
	for j := len(g) - 1; j > 0; j-- {
		for k := j + 1; k <= len(g) && !phones[j]; k++ {
			phones[j] = phones[k] && (k == len(g) || splits(g[k])) && validPhone(s, g[j:k], false)
		}
	}
	best, bestDiff, longest := 0, 0, 0
	for k := 1; k < len(g); k++ {
		if !splits(g[k]) || !validPhone(s, g[:k], plus) {
			continue
		}
		longest = k
		if !phones[k] {
			continue
		}
		a, b := digits(g[:k]), digits(g[k:])
		if diff := max(a-b, b-a); best == 0 || diff < bestDiff {
			best, bestDiff = k, diff
		}
	}
	if best == 0 {
		return longest
	}
	return best
}

// splits reports whether one phone number may end before x and another
// start with it.
func splits(x group) bool { return x.sep == ' ' || x.sep == '/' }
