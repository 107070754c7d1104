// Package texthash hashes text for feature hashing: 64-bit FNV-1a, fed a
// string or a byte at a time, with seeds that keep feature kinds (words,
// word pairs, character n-grams) apart in the hash space.
//
// The hashes are fast, allocation-free and stable across platforms and Go
// versions: internal/localmodel's model file and internal/embed's stored
// vectors depend on every bit, so nothing here may change. Each caller
// folds the hashes into buckets its own way.
package texthash

// Offset is FNV-1a's 64-bit offset basis, the hash of no bytes.
const Offset = 14695981039346656037

// prime is FNV-1a's 64-bit prime.
const prime = 1099511628211

// Seeds keep feature kinds apart in the hash space.
const (
	SeedWord   = Offset
	SeedBigram = Offset ^ 0x9E3779B97F4A7C15
	SeedChar   = Offset ^ 0xC2B2AE3D27D4EB4F
)

// Add returns h extended with the bytes of s. Add(Offset, s) is the FNV-1a
// hash of s, as hash/fnv's New64a computes it.
func Add(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= prime
	}
	return h
}

// AddByte returns h extended with b.
func AddByte(h uint64, b byte) uint64 {
	h ^= uint64(b)
	return h * prime
}

// Bigram returns the hash of the word pair "first second", seeded with
// SeedBigram.
func Bigram(first, second string) uint64 {
	return Add(AddByte(Add(SeedBigram, first), ' '), second)
}

// AddPaddedRune returns h extended with position p of w padded with a
// space on each side: a space at 0 and at n+1, the p-th rune of w
// otherwise, where w has n runes. offsets holds the byte offset of each
// rune of w, then len(w), so n is len(offsets)-1. Character n-grams of
// " w " hash their positions one after the other with it.
func AddPaddedRune(h uint64, w string, offsets []int, p int) uint64 {
	n := len(offsets) - 1
	if p == 0 || p == n+1 {
		return AddByte(h, ' ')
	}
	return Add(h, w[offsets[p-1]:offsets[p]])
}
