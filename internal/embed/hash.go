package embed

import "unsafe"

// FNV-1a, 64 bits, as in internal/localmodel: fast, allocation-free and
// stable across platforms and Go versions, which stored vectors depend on.
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

// mix is the splitmix64 finalizer: every output bit depends on every input
// bit, so the bucket and the sign taken from one hash are independent.
func mix(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xBF58476D1CE4E5B9
	h ^= h >> 27
	h *= 0x94D049BB133111EB
	return h ^ h>>31
}

// bucketSign maps a feature hash to one of n buckets and a sign.
func bucketSign(h uint64, n int) (int, float64) {
	h = mix(h)
	b := int(uint64(uint32(h)) * uint64(n) >> 32)
	if h>>63 == 1 {
		return b, -1
	}
	return b, 1
}

// bytesString views b as a string without copying; b must not change while
// the string is in use.
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
