package eval

import (
	"slices"
	"strings"
)

// KeyComparison compares two runs on one expectation key ("intent",
// "risk=abuse") over the paired items both runs predicted and expect the
// same label for.
type KeyComparison struct {
	Key      string  `json:"key"`
	N        int     `json:"n"`
	Accuracy Change  `json:"accuracy"`
	McNemar  McNemar `json:"mcnemar"`
	// MacroF1 and Labels are for plain fields: nil for one-vs-rest keys.
	// MacroF1 averages F1 over the labels expected or predicted, as
	// scikit-learn does; Labels lists every such label of either run, by
	// name.
	MacroF1 *Change      `json:"macro_f1,omitempty"`
	Labels  []LabelDelta `json:"labels,omitempty"`
}

// Change is one metric in both runs, their difference B − A and its 95%
// paired bootstrap interval: the items are resampled with replacement and
// both runs scored on each resample.
type Change struct {
	A     float64  `json:"a"`
	B     float64  `json:"b"`
	Delta float64  `json:"delta"`
	CI    Interval `json:"ci"`
	// Significant reports whether CI excludes 0.
	Significant bool `json:"significant"`
}

// McNemar is McNemar's exact test of an accuracy change: under the null
// hypothesis, an item the runs disagree on is as likely to go either way.
type McNemar struct {
	RightToWrong int `json:"right_to_wrong"` // b: right in A, wrong in B
	WrongToRight int `json:"wrong_to_right"` // c: wrong in A, right in B
	// P is the two-sided exact binomial p-value of b in b+c trials with
	// p = 0.5; 1 when b+c is 0.
	P float64 `json:"p"`
}

// LabelDelta is one label's scores in both runs and their differences,
// B − A. Support, the items expecting the label, is the same in both.
type LabelDelta struct {
	Label     string     `json:"label"`
	A         LabelScore `json:"a"`
	B         LabelScore `json:"b"`
	Precision float64    `json:"precision_delta"`
	Recall    float64    `json:"recall_delta"`
	F1        float64    `json:"f1_delta"`
}

// keySample is what two runs say about one key, over the paired items
// compared on it.
type keySample struct {
	key      string
	plain    bool
	items    []int // indices into the pairing
	okA, okB []bool
	// A plain field's labels, and each item's expected and predicted
	// labels as indices into them.
	labels           []string
	want, gotA, gotB []int
}

// sampleKey collects the items compared on key, marking in relabelled those
// whose expectation differs between the runs.
func sampleKey(key string, p pairing, relabelled []bool) keySample {
	s := keySample{key: key, plain: !strings.Contains(key, "=")}
	for i := range p.a {
		a, b := p.a[i], p.b[i]
		wantA, inA := a.Expected[key]
		if wantB, inB := b.Expected[key]; inA && inB && wantA != wantB {
			relabelled[i] = true
			continue
		}
		okA, scoredA := a.Correct(key)
		okB, scoredB := b.Correct(key)
		if !scoredA || !scoredB {
			continue
		}
		s.items, s.okA, s.okB = append(s.items, i), append(s.okA, okA), append(s.okB, okB)
		if s.plain {
			s.want = append(s.want, s.code(wantA))
			s.gotA, s.gotB = append(s.gotA, s.code(a.Predicted[key])), append(s.gotB, s.code(b.Predicted[key]))
		}
	}
	return s
}

// code returns label's index in s.labels, adding it if new.
func (s *keySample) code(label string) int {
	if i := slices.Index(s.labels, label); i >= 0 {
		return i
	}
	s.labels = append(s.labels, label)
	return len(s.labels) - 1
}

func (s keySample) compare(opts CompareOptions) KeyComparison {
	all := allIndices(len(s.items))
	stats := []func([]int) float64{s.accuracyDelta}
	if s.plain {
		stats = append(stats, s.macroF1Delta)
	}
	ci := bootstrap(len(all), opts.Resamples, rngFor(opts.Seed, s.key), stats...)
	kc := KeyComparison{Key: s.key, N: len(all), McNemar: mcnemar(s.okA, s.okB),
		Accuracy: newChange(accuracyOf(s.okA, all), accuracyOf(s.okB, all), ci[0])}
	if s.plain {
		a, b := s.counts(all)
		f1 := newChange(a.macroF1(), b.macroF1(), ci[1])
		kc.MacroF1, kc.Labels = &f1, s.labelDeltas(a, b)
	}
	return kc
}

func (s keySample) accuracyDelta(idx []int) float64 {
	return accuracyOf(s.okB, idx) - accuracyOf(s.okA, idx)
}

func (s keySample) macroF1Delta(idx []int) float64 {
	a, b := s.counts(idx)
	return b.macroF1() - a.macroF1()
}

// counts counts each run's labels over the items idx.
func (s keySample) counts(idx []int) (a, b labelCounts) {
	return countLabels(s.want, s.gotA, len(s.labels), idx), countLabels(s.want, s.gotB, len(s.labels), idx)
}

// labelDeltas compares every label either run expected or predicted.
func (s keySample) labelDeltas(a, b labelCounts) []LabelDelta {
	var out []LabelDelta
	for l, name := range s.labels {
		if !a.present(l) && !b.present(l) {
			continue
		}
		sa, sb := a.score(l), b.score(l)
		out = append(out, LabelDelta{Label: name, A: sa, B: sb,
			Precision: sb.Precision - sa.Precision, Recall: sb.Recall - sa.Recall, F1: sb.F1 - sa.F1})
	}
	slices.SortFunc(out, func(x, y LabelDelta) int { return strings.Compare(x.Label, y.Label) })
	return out
}

// changedLabel is a label whose scores changed, with its key.
type changedLabel struct {
	Key string
	LabelDelta
}

// changedLabels returns the labels whose scores changed, in key order.
func (c Comparison) changedLabels() []changedLabel {
	var out []changedLabel
	for _, k := range c.Keys {
		for _, l := range k.Labels {
			if l.A != l.B {
				out = append(out, changedLabel{Key: k.Key, LabelDelta: l})
			}
		}
	}
	return out
}

func newChange(a, b float64, ci Interval) Change {
	return Change{A: a, B: b, Delta: b - a, CI: ci, Significant: ci.Excludes(0)}
}

func mcnemar(okA, okB []bool) McNemar {
	var m McNemar
	for i := range okA {
		switch {
		case okA[i] && !okB[i]:
			m.RightToWrong++
		case !okA[i] && okB[i]:
			m.WrongToRight++
		}
	}
	m.P = mcnemarP(m.RightToWrong, m.WrongToRight)
	return m
}
