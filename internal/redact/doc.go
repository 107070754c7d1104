// Package redact replaces personal data in free text (email addresses,
// phone numbers, payment card numbers, IBANs) with typed placeholders, so
// that text can go to an external model without it:
//
//	r := redact.New(redact.All)
//	out, spans := r.Redact("Card 4111 1111 1111 1111, write to ana@example.com")
//	// out == "Card [CARD_1], write to [EMAIL_1]"
//	// spans[0] == redact.Span{Kind: redact.Card, Start: 5, End: 24, Placeholder: "[CARD_1]"}
//
// Placeholders number the distinct values of a kind within one text, in
// order of appearance, so the model can still tell two addresses apart;
// the same value twice gets the same placeholder. The package never
// changes nor keeps the original: the spans locate every value in it, and
// the caller keeps it (Triage stores items as received, for reviewers).
//
// Detection favours precision, since a false positive hides what the model
// needs to understand the message:
//
//   - Email: local@domain.tld, letters of any script written with spaces.
//     Not a mention (@handle), a host without a top-level domain
//     (user@localhost), a version (5.2.1).
//   - Phone: 8 to 15 digits, international (+CC, 00CC) or in a common
//     national form, grouped by spaces, points, hyphens, slashes or one
//     parenthesized group: without a + or a trunk 0 it must open with an
//     area code of three digits (555 123 4567, 1-800-555-0199); written
//     together only with a + or a trunk 0, or as a Chinese mobile number.
//     Not a date, a time, a year or a list of years, a version, an IP
//     address, an amount (next to a currency sign, or with thousands
//     separators), an order number (#91702, or digits together without a
//     leading 0), sizes or scores (36 38 40 42), a number glued to a word.
//   - Card: 13 to 19 digits, together or grouped as cards are printed, of a
//     network numbering from 2 to 6, with a valid Luhn check digit.
//   - IBAN: a registered country code, check digits, and the country's
//     length, together or in groups of four, passing the mod-97 check.
//
// Only ASCII digits count: numbers written in other digits (Arabic-Indic,
// full-width) are not found.
package redact
