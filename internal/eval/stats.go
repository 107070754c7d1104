package eval

import (
	"hash/fnv"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
)

// ciLevel is the coverage of the bootstrap intervals.
const ciLevel = 0.95

// Interval is a confidence interval, from Low to High inclusive.
type Interval struct {
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// Excludes reports whether x lies outside the interval.
func (iv Interval) Excludes(x float64) bool { return x < iv.Low || x > iv.High }

// bootstrap draws resamples of n indices with replacement and returns, for
// each statistic, the percentile interval of its values over the resamples
// (linear interpolation between order statistics, as NumPy's default). With
// n == 0 every interval is [0, 0].
func bootstrap(n, resamples int, rng *rand.Rand, stats ...func(idx []int) float64) []Interval {
	out := make([]Interval, len(stats))
	if n == 0 || resamples == 0 {
		return out
	}
	values := make([][]float64, len(stats))
	for s := range values {
		values[s] = make([]float64, 0, resamples)
	}
	idx := make([]int, n)
	for range resamples {
		for i := range idx {
			idx[i] = rng.IntN(n)
		}
		for s, stat := range stats {
			values[s] = append(values[s], stat(idx))
		}
	}
	tail := (1 - ciLevel) / 2
	for s, v := range values {
		slices.Sort(v)
		out[s] = Interval{Low: quantile(v, tail), High: quantile(v, 1-tail)}
	}
	return out
}

// quantile returns the q-quantile of sorted, interpolating linearly.
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(sorted)-1)
	return sorted[lo] + (pos-float64(lo))*(sorted[hi]-sorted[lo])
}

// rngFor returns the bootstrap generator of one key: seeded by the
// comparison's seed and the key, so a key's interval does not depend on
// which other keys are compared.
func rngFor(seed uint64, key string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(key))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// mcnemarP is the two-sided exact McNemar p-value for b and c discordant
// pairs: the binomial test of min(b, c) successes in b+c trials with
// p = 0.5, min(1, 2·P(X ≤ min(b, c))). It is computed in exact integer
// arithmetic, so it holds for any count; 1 when b+c is 0.
func mcnemarP(b, c int) float64 {
	n, k := int64(b+c), int64(min(b, c))
	if n == 0 {
		return 1
	}
	sum, term := new(big.Int), big.NewInt(1) // term = C(n, i)
	for i := int64(0); i <= k; i++ {
		sum.Add(sum, term)
		term.Mul(term, big.NewInt(n-i))
		term.Quo(term, big.NewInt(i+1))
	}
	// 2·sum / 2^n = sum / 2^(n-1)
	p, _ := new(big.Rat).SetFrac(sum, new(big.Int).Lsh(big.NewInt(1), uint(n-1))).Float64()
	return min(p, 1)
}

// labelCounts holds, per label index, the true positives, false positives
// and false negatives of one run over some items.
type labelCounts struct{ tp, fp, fn []int }

// countLabels counts want against got over the items idx.
func countLabels(want, got []int, nLabels int, idx []int) labelCounts {
	c := labelCounts{make([]int, nLabels), make([]int, nLabels), make([]int, nLabels)}
	for _, i := range idx {
		if w, g := want[i], got[i]; w == g {
			c.tp[w]++
		} else {
			c.fn[w]++
			c.fp[g]++
		}
	}
	return c
}

// present reports whether label l was expected or predicted at all.
func (c labelCounts) present(l int) bool { return c.tp[l]+c.fp[l]+c.fn[l] > 0 }

// score returns label l's precision, recall, F1 and support.
func (c labelCounts) score(l int) LabelScore {
	p, r, f1 := prf(c.tp[l], c.fp[l], c.fn[l])
	return LabelScore{Precision: p, Recall: r, F1: f1, Support: c.tp[l] + c.fn[l]}
}

// macroF1 averages F1 over the labels expected or predicted, as
// FieldReport and scikit-learn do.
func (c labelCounts) macroF1() float64 {
	sum, n := 0.0, 0
	for l := range c.tp {
		if c.present(l) {
			sum += c.score(l).F1
			n++
		}
	}
	return ratioF(sum, n)
}

// accuracyOf is the share of the items idx that are ok.
func accuracyOf(ok []bool, idx []int) float64 {
	n := 0
	for _, i := range idx {
		if ok[i] {
			n++
		}
	}
	return ratio(n, len(idx))
}

// allIndices returns the indices 0..n-1.
func allIndices(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}
