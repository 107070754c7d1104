package redact_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/triage-oss/triage/internal/redact"
)

// FuzzRedact checks, for any text and set of kinds, that Redact does not
// panic, that its spans are in order, inside the text and apart, that
// they describe the output exactly, and that redacting the output again
// finds nothing new.
func FuzzRedact(f *testing.F) {
	for _, tt := range redactTests {
		f.Add(tt.text, uint8(redact.All))
	}
	f.Add("mail ana@example.com, call +33 6 12 34 56 78, card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00", uint8(redact.Phone))
	f.Add("€ 4111 1111 1111 1111 0612345678 and 06 12 34 56 78 3 $", uint8(redact.All))
	f.Add("0612345678..a@x.com 4111111111111111/12/25 +44(0)20 7946 0958", uint8(redact.Email|redact.Card))
	f.Fuzz(func(t *testing.T, text string, kinds uint8) {
		r := redact.New(redact.Kind(kinds))
		out, spans := r.Redact(text)
		var rebuilt strings.Builder
		last := 0
		for _, s := range spans {
			if s.Start < last || s.End <= s.Start || s.End > len(text) {
				t.Fatalf("span %+v out of order or bounds (previous end %d, text of %d bytes)", s, last, len(text))
			}
			if r.Kinds()&s.Kind == 0 || !strings.HasPrefix(s.Placeholder, "[") {
				t.Fatalf("span %+v: kind not asked for or no placeholder", s)
			}
			rebuilt.WriteString(text[last:s.Start] + s.Placeholder)
			last = s.End
		}
		rebuilt.WriteString(text[last:])
		if rebuilt.String() != out {
			t.Fatalf("output %q is not the text with the spans replaced, %q", out, rebuilt.String())
		}
		if utf8.ValidString(text) && !utf8.ValidString(out) {
			t.Fatalf("valid UTF-8 %q redacted into invalid %q", text, out)
		}
		if again, more := r.Redact(out); len(more) > 0 {
			t.Fatalf("redacting %q again found %+v in %q (from %q)", out, more, again, text)
		}
	})
}
