package localmodel

import (
	"math"
	"sync"
)

// Model is a trained local classifier: an IDF table and the quantized
// weights of every head over the same hashed features. A Model is safe for
// concurrent use. Build one with [Train], [Load] or [Default].
type Model struct {
	bits  uint      // features are hashed into 1<<bits buckets
	idf   []float32 // per bucket
	heads []head
	outs  int    // total outputs of all heads
	w     []int8 // quantized weights, bucket-major: w[b*outs+o]
	codes [][256]float32
	bias  []float32 // per output
	scale []float32 // per output: the largest weight magnitude, the code book's range
	// screenOuts are the outputs Screen computes.
	screenOuts []int

	pool sync.Pool // *scratch
}

// head is one head of a model: outputs off..off+k-1.
type head struct {
	name      string
	classes   []string
	off, k    int
	cal       calibration
	threshold float64 // binary heads: the positive class wins at or above it
}

// scratch holds per-call buffers.
type scratch struct {
	feat *featurizer
	acc  []float64
	prob []float64
}

// muLaw is the companding constant of the weight code book: small weights,
// the many, keep fine steps; large ones, the few, coarse ones.
const muLaw = 255

// decode returns the weight of code q in [-127,127] for range s.
func decode(q int8, s float32) float32 {
	if q == 0 {
		return 0
	}
	a := float64(q)
	sign := 1.0
	if a < 0 {
		sign, a = -1, -a
	}
	return float32(sign * float64(s) * (math.Pow(1+muLaw, a/127) - 1) / muLaw)
}

// encode returns the code whose decoded weight is nearest to v for range s.
func encode(v, s float32) int8 {
	if s == 0 || v == 0 {
		return 0
	}
	a := math.Min(math.Abs(float64(v))/float64(s), 1)
	q := math.Round(127 * math.Log1p(muLaw*a) / math.Log1p(muLaw))
	if v < 0 {
		q = -q
	}
	return int8(q)
}

// initCodes builds the decoding tables and the scratch pool; every
// constructor calls it once the weights are set.
func (m *Model) initCodes() {
	m.codes = make([][256]float32, m.outs)
	for o := range m.outs {
		for q := -128; q < 128; q++ {
			m.codes[o][uint8(int8(q))] = decode(int8(max(q, -127)), m.scale[o])
		}
	}
	m.initScreen()
	m.pool.New = func() any {
		return &scratch{feat: newFeaturizer(m.bits, m.idf), acc: make([]float64, m.outs), prob: make([]float64, m.outs)}
	}
}

// raw computes the raw scores of every output for text into s.acc.
func (m *Model) raw(s *scratch, text string) {
	copy64(s.acc, m.bias)
	v := s.feat.vector(text)
	for j, b := range v.idx {
		x := v.val[j]
		row := m.w[int(b)*m.outs : int(b)*m.outs+m.outs]
		for o, q := range row {
			if q != 0 {
				s.acc[o] += float64(m.codes[o][uint8(q)] * x)
			}
		}
	}
}

// probs computes the calibrated probabilities of every head into s.prob:
// one value (the positive class) for a binary head, one per class otherwise.
func (m *Model) probs(s *scratch, text string) {
	m.raw(s, text)
	for _, h := range m.heads {
		h.cal.probs(s.acc[h.off:h.off+h.k], s.prob[h.off:h.off+h.k])
	}
}

func copy64(dst []float64, src []float32) {
	for i, v := range src {
		dst[i] = float64(v)
	}
}

// headIndex returns the index of the named head, or -1.
func (m *Model) headIndex(name string) int {
	for i, h := range m.heads {
		if h.name == name {
			return i
		}
	}
	return -1
}
