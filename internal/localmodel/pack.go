package localmodel

import "math"

// trained is one head's result before packing.
type trained struct {
	spec      headSpec
	lin       *linear
	cal       calibration
	threshold float64
	oof       Metrics // binary heads: cross-validated on the training data
}

// pack quantizes the trained heads into a Model.
func pack(bits uint, idf []float32, heads []trained) *Model {
	m := &Model{bits: bits, idf: idf}
	for _, t := range heads {
		m.heads = append(m.heads, head{name: t.spec.name, classes: t.spec.classes, off: m.outs, k: t.lin.k, cal: t.cal, threshold: t.threshold})
		m.outs += t.lin.k
	}
	m.w = make([]int8, (1<<bits)*m.outs)
	m.bias = make([]float32, m.outs)
	m.scale = make([]float32, m.outs)
	for i, t := range heads {
		m.packHead(m.heads[i].off, t.lin)
	}
	m.initCodes()
	return m
}

// packHead writes the quantized weights and biases of lin at output off.
func (m *Model) packHead(off int, lin *linear) {
	for o := range lin.k {
		var s float64
		for j := range lin.used {
			s = math.Max(s, math.Abs(lin.w[j*lin.k+o]))
		}
		m.scale[off+o] = float32(s)
		m.bias[off+o] = float32(lin.bias[o])
		for j, b := range lin.used {
			m.w[int(b)*m.outs+off+o] = encode(float32(lin.w[j*lin.k+o]), float32(s))
		}
	}
}
