package localmodel

import "unsafe"

// FNV-1a, 64 bits: fast, allocation-free and stable across platforms and
// Go versions, which the model file depends on.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// Seeds keep feature kinds apart in the hash space.
const (
	seedWord   = fnvOffset
	seedBigram = fnvOffset ^ 0x9E3779B97F4A7C15
	seedChar   = fnvOffset ^ 0xC2B2AE3D27D4EB4F
)

func hashAdd(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

func hashByte(h uint64, b byte) uint64 {
	h ^= uint64(b)
	return h * fnvPrime
}

// bucketOf folds a 64-bit hash into a bucket under mask.
func bucketOf(h uint64, mask uint32) uint32 {
	h ^= h >> 29
	h *= 0xBF58476D1CE4E5B9
	h ^= h >> 32
	return uint32(h) & mask
}

// bytesString views b as a string without copying; b must not change while
// the string is in use.
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
