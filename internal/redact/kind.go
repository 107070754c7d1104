package redact

import (
	"fmt"
	"strings"
)

// Kind is a kind of personal data. Kinds combine with |: New(Email|Phone)
// is New(Email, Phone).
type Kind uint8

// The kinds of personal data Redact finds.
const (
	Email Kind = 1 << iota // "[EMAIL_n]"
	Phone                  // "[PHONE_n]"
	Card                   // "[CARD_n]": payment card numbers
	IBAN                   // "[IBAN_n]"

	All = Email | Phone | Card | IBAN
)

var kindNames = [...]struct {
	kind        Kind
	name, upper string
}{{Email, "email", "EMAIL"}, {Phone, "phone", "PHONE"}, {Card, "card", "CARD"}, {IBAN, "iban", "IBAN"}}

// String returns the kind's name ("email"), the names of a set joined by
// commas ("email,card"), "all" for All, and "" for none: the form
// ParseKinds reads.
func (k Kind) String() string {
	if k == All {
		return "all"
	}
	var names []string
	for _, n := range kindNames {
		if k&n.kind != 0 {
			names = append(names, n.name)
		}
	}
	return strings.Join(names, ",")
}

// ParseKinds reads a set of kinds: "" (none), "all", or names separated by
// commas ("email,phone,card,iban"), in any case, spaces allowed.
func ParseKinds(s string) (Kind, error) {
	var k Kind
	for _, name := range strings.Split(s, ",") {
		name = strings.ToLower(strings.TrimSpace(name))
		switch {
		case name == "":
		case name == "all":
			k |= All
		default:
			n, ok := kindNamed(name)
			if !ok {
				return 0, fmt.Errorf("unknown kind %q: want all, or a comma-separated list of email, phone, card, iban", name)
			}
			k |= n
		}
	}
	return k, nil
}

func kindNamed(name string) (Kind, bool) {
	for _, n := range kindNames {
		if n.name == name {
			return n.kind, true
		}
	}
	return 0, false
}

// label is the placeholder name of a single kind.
func (k Kind) label() string {
	for _, n := range kindNames {
		if n.kind == k {
			return n.upper
		}
	}
	return "PII"
}
