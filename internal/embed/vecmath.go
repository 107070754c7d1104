package embed

import "math"

// resize returns s with length n, zeroed.
func resize[T float32 | float64](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// scaleToNorm scales v in place to the given L2 norm; a zero v stays zero.
func scaleToNorm(v []float64, norm float64) {
	var ss float64
	for _, x := range v {
		ss += float64(x * x)
	}
	if ss == 0 {
		return
	}
	k := norm / math.Sqrt(ss)
	for i := range v {
		v[i] *= k
	}
}

// unit returns v L2-normalized as float32; a zero v gives a zero vector.
func unit(v []float64) []float32 {
	var ss float64
	for _, x := range v {
		ss += float64(x * x)
	}
	out := make([]float32, len(v))
	if ss == 0 {
		return out
	}
	k := 1 / math.Sqrt(ss)
	for i, x := range v {
		out[i] = float32(x * k)
	}
	return out
}
