package items

import (
	"crypto/sha256"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Normalize returns the form of text used to recognize duplicates: Unicode
// NFKC (so full-width and ligature variants match), case-folded, with
// invisible format characters (zero-width spaces, joiners, BOMs) removed and
// every run of white space collapsed to one space.
func Normalize(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	space := false
	for _, r := range norm.NFKC.String(text) {
		switch {
		case unicode.Is(unicode.Cf, r):
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// TextHash is the SHA-256 of the normalized text: two items with the same
// hash say the same thing.
func TextHash(text string) []byte {
	h := sha256.Sum256([]byte(Normalize(text)))
	return h[:]
}
