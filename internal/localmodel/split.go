package localmodel

import "github.com/triage-oss/triage/internal/texthash"

// Salts keep the deterministic splits independent of each other.
const (
	saltHeldOut = 0x5EED0001
	saltCalib   = 0x5EED0002
	saltSample  = 0x5EED0003
)

// textHash is a seeded hash of a text, the basis of every split, so that
// a text always falls on the same side and duplicates never straddle it.
func textHash(text string, seed int64, salt uint64) uint64 {
	h := texthash.Add(texthash.Offset^uint64(seed)*0x9E3779B97F4A7C15^salt, text)
	h ^= h >> 31
	h *= 0x94D049BB133111EB
	return h ^ h>>29
}

// heldOut reports whether text belongs to the held-out 20% of a dataset
// without its own split.
func heldOut(text string, seed int64) bool { return textHash(text, seed, saltHeldOut)%5 == 0 }

// inCalib reports whether a training text is kept aside (10%) to fit a
// multi-class head's temperature. Binary heads use the same hash modulo
// the number of folds.
func inCalib(text string, seed int64) bool { return textHash(text, seed, saltCalib)%10 == 0 }
