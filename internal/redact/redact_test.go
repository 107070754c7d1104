package redact_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/redact"
)

// redactTests are texts and what redact.New(redact.All) makes of them:
// values found, and look-alikes left alone.
var redactTests = []struct {
	name, text, want string
}{
	// Email addresses.
	{"email", "write to ana@example.com", "write to [EMAIL_1]"},
	{"email at the end of a sentence", "Mail ana.perez@example.co.uk.", "Mail [EMAIL_1]."},
	{"email with a tag, digits, a hyphenated domain", "from john.doe+billing42@mail-server.io, thanks", "from [EMAIL_1], thanks"},
	{"email in angle brackets", "From: Ana <ana@example.com>", "From: Ana <[EMAIL_1]>"},
	{"email twice in a mailto link", "<mailto:ana@example.com|ana@example.com>", "<mailto:[EMAIL_1]|[EMAIL_1]>"},
	{"email case does not make another value", "Ana@Example.com or ana@example.com", "[EMAIL_1] or [EMAIL_1]"},
	{"two emails", "cc bob@example.org and ana@example.com", "cc [EMAIL_1] and [EMAIL_2]"},
	{"email with umlauts", "Schreiben Sie an jürgen.müller@beispiel.de bitte", "Schreiben Sie an [EMAIL_1] bitte"},
	{"email in Cyrillic", "пишите на иван@пример.рф", "пишите на [EMAIL_1]"},
	{"email touching Chinese", "请联系zhang.san@example.cn谢谢", "请联系[EMAIL_1]谢谢"},
	{"email with Japanese punctuation", "メール：tanaka@example.jp。", "メール：[EMAIL_1]。"},
	{"email in parentheses", "(contact: support-team@example.com)", "(contact: [EMAIL_1])"},
	{"email local part of digits", "0612345678@example.com", "[EMAIL_1]"},
	{"not an email: mentions", "thanks @ana and @john.doe!", "thanks @ana and @john.doe!"},
	{"not an email: a version", "upgraded to 5.2.1 yesterday", "upgraded to 5.2.1 yesterday"},
	{"not an email: no top-level domain", "ssh root@localhost", "ssh root@localhost"},
	{"not an email: one-letter top-level domain", "a@b.c", "a@b.c"},
	{"not an email: digits in the top-level domain", "user@example.c0m", "user@example.c0m"},
	{"not an email: two points in a row", "john..doe@example.com", "john..doe@example.com"},
	{"not an email: at signs in prose", "meet @ 5pm, 3 @ $10 each", "meet @ 5pm, 3 @ $10 each"},
	{"email with accents", "José.García@correo.es", "[EMAIL_1]"},
	{"email in Japanese brackets", "「ana@example.com」", "「[EMAIL_1]」"},
	{"email before a path", "name@company.com/path", "[EMAIL_1]/path"},
	{"not an email: an empty label", "ana@example..com", "ana@example..com"},
	{"not an email: no local part", "@example.com", "@example.com"},
	{"not an email: a Slack mention", "<@U024BE7LH> ping", "<@U024BE7LH> ping"},

	// Phone numbers.
	{"phone international", "call me on +33 6 12 34 56 78", "call me on [PHONE_1]"},
	{"phone international together", "WhatsApp +447700900123.", "WhatsApp [PHONE_1]."},
	{"phone with a trunk 0 in parentheses", "Tel +44 (0)20 7946 0958", "Tel [PHONE_1]"},
	{"phone US with parentheses", "Call (555) 123-4567 today", "Call [PHONE_1] today"},
	{"phone US with points", "555.123.4567", "[PHONE_1]"},
	{"phone US toll-free", "1-800-555-0199", "[PHONE_1]"},
	{"phone +1 with parentheses", "+1 (415) 555-2671", "[PHONE_1]"},
	{"phone French", "mon numéro : 06 12 34 56 78", "mon numéro : [PHONE_1]"},
	{"phone French with points", "06.12.34.56.78", "[PHONE_1]"},
	{"phone French with no-break spaces", "06\u00a012\u00a034\u00a056\u00a078", "[PHONE_1]"},
	{"phone German with a slash", "Rufen Sie 030/12345678 an", "Rufen Sie [PHONE_1] an"},
	{"phone national together", "Handy 01701234567", "Handy [PHONE_1]"},
	{"phone 00 prefix", "0049 30 12345678", "[PHONE_1]"},
	{"phone Russian", "звоните +7 (912) 345-67-89", "звоните [PHONE_1]"},
	{"phone Chinese mobile touching Chinese", "电话13812345678谢谢", "电话[PHONE_1]谢谢"},
	{"phone Korean with a particle", "010-1234-5678로 연락주세요", "[PHONE_1]로 연락주세요"},
	{"phone Japanese", "携帯は090-1234-5678です", "携帯は[PHONE_1]です"},
	{"phone Spanish 3-3-3", "llámame al 612 345 678", "llámame al [PHONE_1]"},
	{"phone with a trunk 0 then a single digit", "call +33 (0)1 23 45 67 89!", "call [PHONE_1]!"},
	{"phones around a slash", "Phone: 07700 900123 / 07700 900456", "Phone: [PHONE_1] / [PHONE_2]"},
	{"three phones in a row", "0612345678 0698765432 0611223344", "[PHONE_1] [PHONE_2] [PHONE_3]"},
	{"phone then a small number", "call 06 12 34 56 78 3 times", "call [PHONE_1] 3 times"},
	{"phones international in a row", "+33 6 12 34 56 78 +33 6 98 76 54 32", "[PHONE_1] [PHONE_2]"},
	{"phone after an emoji", "📞 +33612345678", "📞 [PHONE_1]"},
	{"phone in Arabic text", "اتصل بي على +971 50 123 4567 شكرا", "اتصل بي على [PHONE_1] شكرا"},
	{"two phones in a row", "06 12 34 56 78 06 98 76 54 32", "[PHONE_1] [PHONE_2]"},
	{"the same phone twice", "+33612345678, again +33 6 12 34 56 78", "[PHONE_1], again [PHONE_1]"},
	{"not a phone: versions", "app 10.0.19041.1234 and v2.14.3", "app 10.0.19041.1234 and v2.14.3"},
	{"not a phone: an ISO date and time", "since 2024-01-15 10:30", "since 2024-01-15 10:30"},
	{"not a phone: a European date", "am 15.01.2024 um 14:30 Uhr", "am 15.01.2024 um 14:30 Uhr"},
	{"not a phone: a US date", "on 01/15/2024", "on 01/15/2024"},
	{"not a phone: a time", "at 12:30:45", "at 12:30:45"},
	{"not a phone: order numbers", "order #91702 and #123456789", "order #91702 and #123456789"},
	{"not a phone: digits without a trunk 0", "order 1234567890 shipped", "order 1234567890 shipped"},
	{"not a phone: a timestamp", "ts=1700000000123 or at 1700000000", "ts=1700000000123 or at 1700000000"},
	{"not a phone: prices", "paid $1,234,567.89 and €12.345.678,90", "paid $1,234,567.89 and €12.345.678,90"},
	{"not a phone: an amount with spaces", "total 12 345 678 €", "total 12 345 678 €"},
	{"not a phone: years", "in 2019 2020 2021 and 1999-2000", "in 2019 2020 2021 and 1999-2000"},
	{"not a phone: an IP address", "server 192.168.100.200 down", "server 192.168.100.200 down"},
	{"not a phone: a ZIP+4 code", "Austin TX 78701-1234", "Austin TX 78701-1234"},
	{"not a phone: a range", "between 1000-2000 users", "between 1000-2000 users"},
	{"not a phone: an ISBN", "ISBN 978-3-16-148410-0", "ISBN 978-3-16-148410-0"},
	{"not a phone: glued to a word", "SKU AB12345678 and 12345678px", "SKU AB12345678 and 12345678px"},
	{"not a phone: a decimal", "pi is 3.14159265358979", "pi is 3.14159265358979"},
	{"not a phone: a percentage", "grew 12345678%", "grew 12345678%"},
	{"not a phone: a reference opening with a year", "Ref: 2024-0001-1234", "Ref: 2024-0001-1234"},
	{"not a phone: a serial", "serial 1234-5678-9012", "serial 1234-5678-9012"},
	{"not a phone: a round amount", "raised 100 000 000 and 9 999 999", "raised 100 000 000 and 9 999 999"},
	{"not a phone: coordinates", "at 48.8566, 2.3522 and 40.7128 -74.0060", "at 48.8566, 2.3522 and 40.7128 -74.0060"},
	{"not a phone: a build number", "Build 20240115.3, 0x80070005", "Build 20240115.3, 0x80070005"},
	{"not a phone: sizes", "sizes 36 38 40 42 and scores 10 20 30 40 50 60", "sizes 36 38 40 42 and scores 10 20 30 40 50 60"},
	{"not a phone: an IP address then a number", "ping 172.16.254.1 2 times", "ping 172.16.254.1 2 times"},
	{"not a phone: a UUID", "id 550e8400-e29b-41d4-a716-446655440000", "id 550e8400-e29b-41d4-a716-446655440000"},
	{"not a phone: short numbers", "call 112 or 911", "call 112 or 911"},
	{"not a phone: leading zeros", "ticket 0000123456", "ticket 0000123456"},

	// Payment card numbers.
	{"card Visa in groups", "card 4111 1111 1111 1111 exp 12/25", "card [CARD_1] exp 12/25"},
	{"card Mastercard with hyphens", "5555-5555-5555-4444", "[CARD_1]"},
	{"card Amex 4-6-5", "Amex 3782 822463 10005.", "Amex [CARD_1]."},
	{"card together", "nº 4012888888881881", "nº [CARD_1]"},
	{"card of 13 digits", "old visa 4222222222222", "old visa [CARD_1]"},
	{"card of 19 digits", "6011000000000000001", "[CARD_1]"},
	{"card then its expiry", "4111111111111111/12/25 cvv 123", "[CARD_1]/12/25 cvv 123"},
	{"card in German", "Kartennummer: 5105 1051 0510 5100, danke", "Kartennummer: [CARD_1], danke"},
	{"two cards", "4111 1111 1111 1111 or 5555 5555 5555 4444", "[CARD_1] or [CARD_2]"},
	{"not a card: fails the Luhn check", "4111 1111 1111 1112", "4111 1111 1111 1112"},
	{"not a card: 16 digits failing the Luhn check", "1234 5678 1234 5678", "1234 5678 1234 5678"},
	{"not a card: too long", "41111111111111111111111", "41111111111111111111111"},
	{"not a card: zeros", "0000 0000 0000 0000", "0000 0000 0000 0000"},

	// IBANs.
	{"IBAN German in groups", "IBAN: DE89 3704 0044 0532 0130 00", "IBAN: [IBAN_1]"},
	{"IBAN British with letters", "GB82 WEST 1234 5698 7654 32", "[IBAN_1]"},
	{"IBAN French together", "FR1420041010050500013M02606.", "[IBAN_1]."},
	{"IBAN in lower case", "nl91abna0417164300", "[IBAN_1]"},
	{"IBAN Norwegian, the shortest", "NO93 8601 1117 947", "[IBAN_1]"},
	{"IBAN in Polish text", "Proszę o zwrot na konto PL61 1090 1014 0000 0712 1981 2874, dziękuję", "Proszę o zwrot na konto [IBAN_1], dziękuję"},
	{"IBAN in Arabic text", "الحساب SA03 8000 0000 6080 1016 7519", "الحساب [IBAN_1]"},
	{"not an IBAN: wrong check digits", "DE89 3704 0044 0532 0130 01", "DE89 3704 0044 0532 0130 01"},
	{"not an IBAN: too short", "DE89 3704 0044 0532 0130 0", "DE89 3704 0044 0532 0130 0"},
	{"not an IBAN: unknown country", "XX89 3704 0044 0532 0130 00", "XX89 3704 0044 0532 0130 00"},
	{"not an IBAN: glued to a letter", "ref DE89370400440532013000X", "ref DE89370400440532013000X"},
	{"not an IBAN: irregular groups", "DE89 37040044 0532013000", "DE89 37040044 0532013000"},

	// Everything, and nothing.
	{"all kinds", "Hi, I'm Ana (ana@example.com, +33 6 12 34 56 78). Card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00.",
		"Hi, I'm Ana ([EMAIL_1], [PHONE_1]). Card [CARD_1], IBAN [IBAN_1]."},
	{"nothing", "The app crashed after the 5.2.1 update on 2024-01-15; order #91702 cost $49.99.",
		"The app crashed after the 5.2.1 update on 2024-01-15; order #91702 cost $49.99."},
	{"empty", "", ""},
}

func TestRedact(t *testing.T) {
	t.Parallel()
	r := redact.New(redact.All)
	for _, tt := range redactTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, spans := r.Redact(tt.text)
			require.Equal(t, tt.want, got)
			if tt.want == tt.text {
				require.Nil(t, spans)
			}
			for _, s := range spans {
				require.NotContains(t, got, tt.text[s.Start:s.End])
			}
		})
	}
}

func TestRedactSpans(t *testing.T) {
	t.Parallel()
	text := "Ana (ana@example.com) paid with 4111 1111 1111 1111; call +33 6 12 34 56 78 or bob@example.org, not ANA@example.com"
	got, spans := redact.New(redact.All).Redact(text)
	require.Equal(t, "Ana ([EMAIL_1]) paid with [CARD_1]; call [PHONE_1] or [EMAIL_2], not [EMAIL_1]", got)
	want := []struct {
		kind        redact.Kind
		value, plac string
	}{
		{redact.Email, "ana@example.com", "[EMAIL_1]"},
		{redact.Card, "4111 1111 1111 1111", "[CARD_1]"},
		{redact.Phone, "+33 6 12 34 56 78", "[PHONE_1]"},
		{redact.Email, "bob@example.org", "[EMAIL_2]"},
		{redact.Email, "ANA@example.com", "[EMAIL_1]"},
	}
	require.Len(t, spans, len(want))
	for i, w := range want {
		require.Equal(t, w.kind, spans[i].Kind)
		require.Equal(t, w.value, text[spans[i].Start:spans[i].End], "the spans locate the original values")
		require.Equal(t, w.plac, spans[i].Placeholder)
	}
}

// A redactor redacts only its kinds, and never mistakes one kind for
// another: a card number is not a phone number when only phones are
// asked for.
func TestRedactKinds(t *testing.T) {
	t.Parallel()
	text := "ana@example.com 4111 1111 1111 1111 +33 6 12 34 56 78 DE89 3704 0044 0532 0130 00"
	tests := []struct {
		kinds []redact.Kind
		want  string
	}{
		{nil, text},
		{[]redact.Kind{redact.Email}, "[EMAIL_1] 4111 1111 1111 1111 +33 6 12 34 56 78 DE89 3704 0044 0532 0130 00"},
		{[]redact.Kind{redact.Phone}, "ana@example.com 4111 1111 1111 1111 [PHONE_1] DE89 3704 0044 0532 0130 00"},
		{[]redact.Kind{redact.Card, redact.IBAN}, "ana@example.com [CARD_1] +33 6 12 34 56 78 [IBAN_1]"},
		{[]redact.Kind{redact.Phone | redact.IBAN}, "ana@example.com 4111 1111 1111 1111 [PHONE_1] [IBAN_1]"},
		{[]redact.Kind{redact.All}, "[EMAIL_1] [CARD_1] [PHONE_1] [IBAN_1]"},
	}
	for _, tt := range tests {
		r := redact.New(tt.kinds...)
		t.Run(r.Kinds().String(), func(t *testing.T) {
			t.Parallel()
			got, _ := r.Redact(text)
			require.Equal(t, tt.want, got)
		})
	}
	t.Run("nil", func(t *testing.T) {
		t.Parallel()
		var r *redact.Redactor
		got, spans := r.Redact(text)
		require.Equal(t, text, got)
		require.Nil(t, spans)
	})
}

func TestParseKinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    redact.Kind
		wantErr string
	}{
		{"", 0, ""},
		{"all", redact.All, ""},
		{"email", redact.Email, ""},
		{" Email, PHONE ,card,,iban ", redact.All, ""},
		{"card,iban", redact.Card | redact.IBAN, ""},
		{"email,ssn", 0, `unknown kind "ssn"`},
		{"emails", 0, `unknown kind "emails"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := redact.ParseKinds(tt.in)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			back, err := redact.ParseKinds(got.String())
			require.NoError(t, err)
			require.Equal(t, got, back, "String is what ParseKinds reads")
		})
	}
	require.Equal(t, "all", redact.All.String())
	require.Equal(t, "email,card", (redact.Email | redact.Card).String())
	require.Empty(t, redact.Kind(0).String())
}

// Text without personal data costs no allocation.
func TestRedactNoAllocs(t *testing.T) {
	r := redact.New(redact.All)
	allocs := testing.AllocsPerRun(100, func() {
		if _, spans := r.Redact(cleanText); spans != nil {
			t.Fatal(spans)
		}
	})
	require.Zero(t, allocs)
}

// cleanText is a 2 KB support email with numbers of every sort and no
// personal data.
var cleanText = strings.Repeat(`Hello team,

Since the 5.2.1 update (build 20240115.3) the app crashes on startup on my
Pixel 7 running Android 14; it worked fine on 5.1.9. I tried clearing the cache,
reinstalling, and rebooting at 12:30 and again at 18:45, nothing helps.
Order #91702 from 2024-01-15 was charged twice: $49.99 and then €49,99 again,
so 2 × 49.99 in total. Ticket 1234567890 was closed without an answer.
The server at 192.168.100.200 returns HTTP 503 about 30% of the time,
and our 1 234 567 users in 2023-2024 saw the same. Thanks @ana for looking!
`, 4)[:2048]

func BenchmarkRedact(b *testing.B) {
	r := redact.New(redact.All)
	pii := strings.Replace(cleanText, "Thanks @ana", "Reach me at ana.perez@example.com or +33 6 12 34 56 78; card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00. Thanks @ana", 1)
	for _, bb := range []struct{ name, text string }{{"clean", cleanText}, {"pii", pii[:2048]}} {
		b.Run(bb.name, func(b *testing.B) {
			b.SetBytes(int64(len(bb.text)))
			b.ReportAllocs()
			for b.Loop() {
				r.Redact(bb.text)
			}
		})
	}
}
