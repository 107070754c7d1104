package redact_test

import (
	"fmt"

	"github.com/triage-oss/triage/internal/redact"
)

// An integrator masks a customer message before it goes to an external
// model, and keeps the original, located by the spans, for reviewers.
func Example() {
	msg := "Refund to DE89 3704 0044 0532 0130 00 please, or call +33 6 12 34 56 78. ana@example.com (same as ANA@example.com)"
	r := redact.New(redact.All)
	out, spans := r.Redact(msg)
	fmt.Println(out)
	for _, s := range spans {
		fmt.Printf("%s %s = %q\n", s.Kind, s.Placeholder, msg[s.Start:s.End])
	}
	// Output:
	// Refund to [IBAN_1] please, or call [PHONE_1]. [EMAIL_1] (same as [EMAIL_1])
	// iban [IBAN_1] = "DE89 3704 0044 0532 0130 00"
	// phone [PHONE_1] = "+33 6 12 34 56 78"
	// email [EMAIL_1] = "ana@example.com"
	// email [EMAIL_1] = "ANA@example.com"
}

// An operator's TRIAGE_REDACT_PII setting is a list of kinds.
func ExampleParseKinds() {
	kinds, err := redact.ParseKinds("email,card")
	if err != nil {
		panic(err)
	}
	out, _ := redact.New(kinds).Redact("card 5555-5555-5555-4444, phone 555.123.4567, mail bob@example.org")
	fmt.Println(out)
	// Output: card [CARD_1], phone 555.123.4567, mail [EMAIL_1]
}
