package eval

import (
	"cmp"
	"slices"
	"strings"
)

// Flip is an item whose correctness changed between two runs on at least
// one key.
type Flip struct {
	ID   string `json:"id"`
	Text string `json:"text"` // as run A has it; untrusted
	// Regressions lists the keys right in A and wrong in B, Fixes those
	// wrong in A and right in B, each in Keys order.
	Regressions []string `json:"regressions,omitempty"`
	Fixes       []string `json:"fixes,omitempty"`
	// WrongConfidence is the highest confidence B gave a wrong answer on a
	// regressed key; 0 without regressions.
	WrongConfidence float64 `json:"wrong_confidence"`

	// Expected holds the flipped keys' expectations; PredictedA,
	// PredictedB, ConfidenceA and ConfidenceB the predictions and
	// confidences of their fields ("risk" for "risk=abuse").
	Expected    map[string]string  `json:"expected"`
	PredictedA  map[string]string  `json:"predicted_a"`
	PredictedB  map[string]string  `json:"predicted_b"`
	ConfidenceA map[string]float64 `json:"confidence_a"`
	ConfidenceB map[string]float64 `json:"confidence_b"`
}

// flips returns the flipped items of samples, worst first.
func flips(p pairing, samples []keySample) []Flip {
	byItem := map[int]*Flip{}
	for _, s := range samples {
		for j, i := range s.items {
			if s.okA[j] == s.okB[j] {
				continue
			}
			f := byItem[i]
			if f == nil {
				f = newFlip(p.a[i])
				byItem[i] = f
			}
			f.add(s.key, s.okA[j], p.a[i], p.b[i])
		}
	}
	out := make([]Flip, 0, len(byItem))
	for _, f := range byItem {
		out = append(out, *f)
	}
	slices.SortFunc(out, worstFirst)
	return out
}

func newFlip(o Outcome) *Flip {
	return &Flip{ID: o.ID, Text: o.Text, Expected: map[string]string{},
		PredictedA: map[string]string{}, PredictedB: map[string]string{},
		ConfidenceA: map[string]float64{}, ConfidenceB: map[string]float64{}}
}

// add records that key went right to wrong (wasRight) or wrong to right.
func (f *Flip) add(key string, wasRight bool, a, b Outcome) {
	field, _ := splitKey(key)
	fs := string(field)
	f.Expected[key] = a.Expected[key]
	f.PredictedA[fs], f.PredictedB[fs] = a.Predicted[fs], b.Predicted[fs]
	f.ConfidenceA[fs], f.ConfidenceB[fs] = a.Confidence[fs], b.Confidence[fs]
	if !wasRight {
		f.Fixes = append(f.Fixes, key)
		return
	}
	f.Regressions = append(f.Regressions, key)
	f.WrongConfidence = max(f.WrongConfidence, b.Confidence[fs])
}

// worstFirst orders flips by regressions (most first), then by the
// confidence of B's wrong answer (highest first), then by id.
func worstFirst(x, y Flip) int {
	return cmp.Or(
		cmp.Compare(len(y.Regressions), len(x.Regressions)),
		cmp.Compare(y.WrongConfidence, x.WrongConfidence),
		strings.Compare(x.ID, y.ID),
	)
}
