package redact

import "strings"

// ibanCountries lists the countries of the IBAN registry (SWIFT) with the
// length of their IBANs.
const ibanCountries = "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 " +
	"DE22 DJ27 DK18 DO28 EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 " +
	"HN28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 " +
	"LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 PT25 " +
	"QA29 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 TR26 " +
	"UA29 VA22 VG24 XK20 YE30"

// ibanLengths is ibanCountries indexed by country code: 26*(A-Z) + (A-Z).
var ibanLengths = func() (t [26 * 26]uint8) {
	for _, c := range strings.Fields(ibanCountries) {
		t[int(c[0]-'A')*26+int(c[1]-'A')] = (c[2]-'0')*10 + c[3] - '0'
	}
	return t
}()

// ibanAt returns the end of the IBAN at s[i:], if there is one: a
// registered country code, two check digits and the rest of the country's
// length, written without spaces or in groups of four separated by single
// spaces, letters in either case, that passes the ISO 7064 mod-97 check.
func ibanAt(s string, i int) (int, bool) {
	if i+4 > len(s) || !isLetter(s[i+1]) || !isDigit(s[i+2]) || !isDigit(s[i+3]) {
		return 0, false
	}
	n := int(ibanLengths[int(s[i]|0x20-'a')*26+int(s[i+1]|0x20-'a')])
	check := int(s[i+2]-'0')*10 + int(s[i+3]-'0')
	if n == 0 || check < 2 || check > 98 {
		return 0, false
	}
	end, ok := ibanEnd(s, i, n)
	if !ok || !rightOK(s, end) || mod97(s[i:end]) != 1 {
		return 0, false
	}
	return end, true
}

// ibanEnd reads the n characters of an IBAN from s[i:].
func ibanEnd(s string, i, n int) (int, bool) {
	j, spaced := i+4, i+4 < len(s) && s[i+4] == ' '
	for count := 4; count < n; count++ {
		if spaced && count%4 == 0 {
			if j >= len(s) || s[j] != ' ' {
				return 0, false
			}
			j++
		}
		if j >= len(s) || !isAlnum(s[j]) {
			return 0, false
		}
		j++
	}
	return j, true
}

// mod97 returns the IBAN iban (spaces allowed) modulo 97, read with its
// first four characters moved to the end and letters as 10 to 35.
func mod97(iban string) int {
	m := 0
	add := func(c byte) {
		switch {
		case isDigit(c):
			m = (m*10 + int(c-'0')) % 97
		case isLetter(c):
			m = (m*100 + int(c|0x20-'a') + 10) % 97
		}
	}
	for i := 4; i < len(iban); i++ {
		add(iban[i])
	}
	for i := range 4 {
		add(iban[i])
	}
	return m
}
