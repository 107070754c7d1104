package eval

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/triage-oss/triage/internal/taxonomy"
)

// Report is the score of one run on one set.
type Report struct {
	Items  int `json:"items"`
	Scored int `json:"scored"` // items with a prediction
	Errors int `json:"errors"` // items without one

	Fields    map[taxonomy.Field]*FieldReport `json:"fields"`
	OneVsRest map[string]*BinaryScore         `json:"one_vs_rest,omitempty"`
}

// FieldReport scores one field over the items that expect a label for it.
type FieldReport struct {
	Support  int                   `json:"support"`
	Accuracy float64               `json:"accuracy"`
	MacroF1  float64               `json:"macro_f1"`
	Labels   map[string]LabelScore `json:"labels"`
	// Confusion counts expected → predicted.
	Confusion map[string]map[string]int `json:"confusion"`
}

// LabelScore is the precision, recall and F1 of one label.
type LabelScore struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"` // items expecting the label
}

// BinaryScore scores a one-vs-rest expectation such as "risk=abuse".
type BinaryScore struct {
	Support   int     `json:"support"`   // items with the expectation
	Positives int     `json:"positives"` // of which expected true
	TP        int     `json:"tp"`
	FP        int     `json:"fp"`
	FN        int     `json:"fn"`
	TN        int     `json:"tn"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Accuracy  float64 `json:"accuracy"`
	// MacroF1 averages the F1 of the positive and the negative class, as
	// the public benchmarks report for offensive and hate detection.
	MacroF1 float64 `json:"macro_f1"`
}

// Score compares predictions (matched to items by id) with expectations.
func Score(items []Item, preds []Prediction) (*Report, error) {
	byID := make(map[string]*Prediction, len(preds))
	for i := range preds {
		byID[preds[i].ID] = &preds[i]
	}
	r := &Report{Items: len(items), Fields: map[taxonomy.Field]*FieldReport{}, OneVsRest: map[string]*BinaryScore{}}
	for _, it := range items {
		p, ok := byID[it.ID]
		if !ok {
			return nil, fmt.Errorf("no prediction for item %q", it.ID)
		}
		if p.Predicted == nil {
			r.Errors++
			continue
		}
		r.Scored++
		r.add(it, p.Predicted)
	}
	for _, fr := range r.Fields {
		fr.finish()
	}
	for _, b := range r.OneVsRest {
		b.finish()
	}
	return r, nil
}

func (r *Report) add(it Item, c *taxonomy.Classification) {
	for f, want := range it.Labels {
		got, _ := c.Label(f)
		fr := r.Fields[f]
		if fr == nil {
			fr = &FieldReport{Confusion: map[string]map[string]int{}}
			r.Fields[f] = fr
		}
		fr.Support++
		if fr.Confusion[want] == nil {
			fr.Confusion[want] = map[string]int{}
		}
		fr.Confusion[want][got]++
	}
	for key, want := range it.OneVsRest {
		b := r.OneVsRest[key]
		if b == nil {
			b = &BinaryScore{}
			r.OneVsRest[key] = b
		}
		f, labels := splitKey(key)
		got, _ := c.Label(f)
		b.count(want, slices.Contains(labels, got))
	}
}

func (b *BinaryScore) count(want, got bool) {
	b.Support++
	switch {
	case want && got:
		b.TP++
	case want:
		b.FN++
	case got:
		b.FP++
	default:
		b.TN++
	}
	if want {
		b.Positives++
	}
}

func (b *BinaryScore) finish() {
	b.Precision, b.Recall, b.F1 = prf(b.TP, b.FP, b.FN)
	_, _, negF1 := prf(b.TN, b.FN, b.FP)
	b.MacroF1 = (b.F1 + negF1) / 2
	b.Accuracy = ratio(b.TP+b.TN, b.Support)
}

func (fr *FieldReport) finish() {
	labels := map[string]bool{}
	correct := 0
	for want, row := range fr.Confusion {
		labels[want] = true
		for got, n := range row {
			labels[got] = true
			if got == want {
				correct += n
			}
		}
	}
	fr.Accuracy = ratio(correct, fr.Support)
	fr.Labels = map[string]LabelScore{}
	sum := 0.0
	for l := range labels {
		tp := fr.Confusion[l][l]
		fn, fp := 0, 0
		for got, n := range fr.Confusion[l] {
			if got != l {
				fn += n
			}
		}
		for want, row := range fr.Confusion {
			if want != l {
				fp += row[l]
			}
		}
		p, rc, f1 := prf(tp, fp, fn)
		fr.Labels[l] = LabelScore{Precision: p, Recall: rc, F1: f1, Support: tp + fn}
		sum += f1
	}
	// Macro-F1 over every label expected or predicted, as scikit-learn does.
	fr.MacroF1 = ratioF(sum, len(labels))
}

func prf(tp, fp, fn int) (p, r, f1 float64) {
	p, r = ratio(tp, tp+fp), ratio(tp, tp+fn)
	if p+r > 0 {
		f1 = 2 * p * r / (p + r)
	}
	return p, r, f1
}

func ratio(a, b int) float64 { return ratioF(float64(a), b) }

func ratioF(a float64, b int) float64 {
	if b == 0 {
		return 0
	}
	return a / float64(b)
}

// splitKey splits a one-vs-rest key, "risk=abuse" or "risk=spam|scam"
// (either label counts), into its field and labels.
func splitKey(key string) (taxonomy.Field, []string) {
	field, labels, _ := strings.Cut(key, "=")
	return taxonomy.Field(field), strings.Split(labels, "|")
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// fieldsIn returns the report's fields in taxonomy order.
func (r *Report) fieldsIn() []taxonomy.Field {
	var out []taxonomy.Field
	for _, f := range taxonomy.Fields {
		if _, ok := r.Fields[f]; ok {
			out = append(out, f)
		}
	}
	return slices.Clip(out)
}
