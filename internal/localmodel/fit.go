package localmodel

import (
	"context"
	"fmt"
	"math"
	"slices"
)

// sample is one training example of a head.
type sample struct {
	x vec
	y int     // class index
	w float64 // weight, 1 unless a source is up- or down-weighted
}

// fitConfig is the regularization of one head.
type fitConfig struct {
	C        float64 // inverse L2 strength, as in liblinear: loss = C*sum(w*logloss) + |W|^2/2
	Balanced bool    // weigh classes inversely to their frequency
	MaxIter  int     // L-BFGS iterations; 0 means the optimizer's default
	// NB scales each feature of a binary head by its naive-Bayes log-count
	// ratio before fitting (NBSVM-style); the scale is folded into the
	// weights afterwards, so inference is unchanged.
	NB bool
}

// linear holds the parameters of a trained head: k outputs (1 for a binary
// head, one per class otherwise) over the buckets in used.
type linear struct {
	k    int
	used []uint32  // sorted buckets with a weight
	w    []float64 // len(used)*k, bucket-major
	bias []float64 // k
}

// csr is the training set in compact coordinates, rows laid end to end.
type csr struct {
	start []int
	idx   []int32
	val   []float64
	y     []int
	w     []float64
}

// fit trains a logistic (k == 1) or softmax (k >= 2) model on samples.
// classes is the number of classes (2 for a binary head).
func fit(ctx context.Context, samples []sample, classes int, cfg fitConfig) (*linear, error) {
	if len(samples) == 0 {
		return nil, fmt.Errorf("fitting: no samples")
	}
	k := outputsOf(classes)
	used, m := compact(samples, cfg.Balanced, classes)
	d := len(used)
	var r []float64
	if cfg.NB && k == 1 {
		r = m.nbRatios(d)
		m.scale(r)
	}
	theta := make([]float64, d*k+k)
	obj := func(x, grad []float64) float64 { return m.loss(x, grad, d, k, cfg.C) }
	if _, _, err := minimize(ctx, obj, theta, lbfgsConfig{MaxIter: cfg.MaxIter}); err != nil {
		return nil, err
	}
	for j := range r {
		theta[j] *= r[j]
	}
	return &linear{k: k, used: used, w: theta[:d*k], bias: theta[d*k:]}, nil
}

// nbRatios returns the naive-Bayes log-count ratio of each feature,
// log((p_j/|p|) / (q_j/|q|)) with p and q the smoothed feature sums over
// positive and negative samples, in magnitude scaled to mean 1.
func (m *csr) nbRatios(d int) []float64 {
	const alpha = 1
	p, q := make([]float64, d), make([]float64, d)
	for i, y := range m.y {
		dst := q
		if y == 1 {
			dst = p
		}
		for j := m.start[i]; j < m.start[i+1]; j++ {
			dst[m.idx[j]] += m.val[j]
		}
	}
	var sp, sq float64
	for j := range d {
		p[j] += alpha
		q[j] += alpha
		sp += p[j]
		sq += q[j]
	}
	r := make([]float64, d)
	var mean float64
	for j := range d {
		r[j] = math.Log((p[j] / sp) / (q[j] / sq))
		mean += math.Abs(r[j])
	}
	mean /= float64(max(d, 1))
	for j := range r {
		r[j] /= mean
	}
	return r
}

// scale multiplies every feature value by r of its column.
func (m *csr) scale(r []float64) {
	for j, c := range m.idx {
		m.val[j] *= r[c]
	}
}

// compact maps the buckets of samples to 0..d-1 and lays them out as CSR.
func compact(samples []sample, balanced bool, classes int) ([]uint32, *csr) {
	var used []uint32
	for _, s := range samples {
		used = append(used, s.x.idx...)
	}
	slices.Sort(used)
	used = slices.Compact(used)
	cw := classWeights(samples, balanced, classes)
	m := &csr{start: make([]int, 0, len(samples)+1)}
	for _, s := range samples {
		m.start = append(m.start, len(m.idx))
		for j, b := range s.x.idx {
			pos, _ := slices.BinarySearch(used, b)
			m.idx = append(m.idx, int32(pos))
			m.val = append(m.val, float64(s.x.val[j]))
		}
		m.y = append(m.y, s.y)
		m.w = append(m.w, s.w*cw[s.y])
	}
	m.start = append(m.start, len(m.idx))
	return used, m
}

// classWeights returns n/(classes present*n_c) per class when balanced,
// 1 otherwise.
func classWeights(samples []sample, balanced bool, classes int) []float64 {
	cw := make([]float64, classes)
	counts := make([]float64, classes)
	for _, s := range samples {
		counts[s.y] += s.w
	}
	present := 0
	for _, c := range counts {
		if c > 0 {
			present++
		}
	}
	for c := range cw {
		cw[c] = 1
		if balanced && counts[c] > 0 {
			cw[c] = float64(len(samples)) / (float64(present) * counts[c])
		}
	}
	return cw
}

// loss returns C*sum(w*logloss) + |W|^2/2 at theta and writes its gradient.
// Biases (the last k values) are not regularized.
func (m *csr) loss(theta, grad []float64, d, k int, c float64) float64 {
	var total float64
	for j := range d * k {
		total += 0.5 * theta[j] * theta[j]
		grad[j] = theta[j]
	}
	clear(grad[d*k:])
	z, g := make([]float64, k), make([]float64, k)
	for i := range m.y {
		lo, hi := m.start[i], m.start[i+1]
		copy(z, theta[d*k:])
		for p := lo; p < hi; p++ {
			row := theta[int(m.idx[p])*k : int(m.idx[p])*k+k]
			for c2, wv := range row {
				z[c2] += wv * m.val[p]
			}
		}
		total += c * m.w[i] * lossGrad(z, g, m.y[i])
		for c2 := range g {
			g[c2] *= c * m.w[i]
			grad[d*k+c2] += g[c2]
		}
		for p := lo; p < hi; p++ {
			row := grad[int(m.idx[p])*k : int(m.idx[p])*k+k]
			for c2 := range row {
				row[c2] += g[c2] * m.val[p]
			}
		}
	}
	return total
}

// lossGrad returns the log loss of scores z for class y and writes dloss/dz
// into g. One score means a logistic model (y is 0 or 1).
func lossGrad(z, g []float64, y int) float64 {
	if len(z) == 1 {
		p := sigmoid(z[0])
		g[0] = p - float64(y)
		if y == 1 {
			return softplus(-z[0])
		}
		return softplus(z[0])
	}
	lse := logSumExp(z)
	for c := range z {
		g[c] = math.Exp(z[c] - lse)
	}
	g[y]--
	return lse - z[y]
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// softplus is log(1+e^z) without overflow.
func softplus(z float64) float64 {
	if z > 30 {
		return z
	}
	return math.Log1p(math.Exp(z))
}

func logSumExp(z []float64) float64 {
	mx := slices.Max(z)
	var s float64
	for _, v := range z {
		s += math.Exp(v - mx)
	}
	return mx + math.Log(s)
}
