package clusters

// SketchDim is the dimension of a sketch, fixed by migration 012.
const SketchDim = 256

// Sketch returns the count sketch of v in SketchDim dimensions: each
// component of v is added, with a sign, to one of the sketch's, both
// chosen by a fixed hash of the component's index. Inner products are
// preserved in expectation, with an error that shrinks with SketchDim, so
// the nearest sketches are those of the nearest vectors, give or take; the
// search takes the nearest candidates by sketch and ranks them by their
// full vectors. A sketch costs one pass over v (sparse vectors cost their
// non-zero components), whatever its dimension, and needs no stored
// projection: the same v gives the same sketch in every process.
func Sketch(v []float32) []float32 {
	out := make([]float32, SketchDim)
	for i, x := range v {
		if x == 0 {
			continue
		}
		h := mix(uint64(i))
		if h>>63 == 1 {
			x = -x
		}
		out[h%SketchDim] += x
	}
	return out
}

// mix is SplitMix64's finalizer: a fixed, well-spread hash of i.
func mix(i uint64) uint64 {
	i += 0x9e3779b97f4a7c15
	i = (i ^ (i >> 30)) * 0xbf58476d1ce4e5b9
	i = (i ^ (i >> 27)) * 0x94d049bb133111eb
	return i ^ (i >> 31)
}
