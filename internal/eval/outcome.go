package eval

import (
	"fmt"
	"sort"

	"github.com/triage-oss/triage/internal/taxonomy"
)

// Result is a complete eval run as `triage eval run --out` writes it and the
// database stores it: the report and every item's outcome, which is what
// `triage eval compare` pairs item by item.
type Result struct {
	RunReport
	Items []Outcome `json:"items"`
}

// Outcome is one item of a run: what was expected and what was predicted.
type Outcome struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	// Expected maps each expected field ("intent") or one-vs-rest key
	// ("risk=abuse") to its label ("support_issue"; "true"/"false" for
	// sarcasm and one-vs-rest keys).
	Expected map[string]string `json:"expected"`
	// Predicted maps every field to the predicted label, Confidence every
	// field to its confidence; both are empty when Error is set.
	Predicted  map[string]string  `json:"predicted,omitempty"`
	Confidence map[string]float64 `json:"confidence,omitempty"`
	Error      string             `json:"error,omitempty"`
}

// Correct reports whether the prediction satisfies expectation key, and
// whether the item has a prediction and that expectation at all.
func (o Outcome) Correct(key string) (correct, scored bool) {
	want, ok := o.Expected[key]
	if !ok || o.Predicted == nil {
		return false, false
	}
	field, labels := splitKey(key)
	if len(labels) == 1 && labels[0] == "" { // a plain field
		return o.Predicted[key] == want, true
	}
	got := o.Predicted[string(field)]
	has := false
	for _, l := range labels {
		has = has || got == l
	}
	return has == (want == "true"), true
}

// Keys returns every expectation key present in the outcomes, fields in
// taxonomy order first, then one-vs-rest keys sorted.
func Keys(outcomes []Outcome) []string {
	seen := map[string]bool{}
	for _, o := range outcomes {
		for k := range o.Expected {
			seen[k] = true
		}
	}
	var keys []string
	for _, f := range taxonomy.Fields {
		if seen[string(f)] {
			keys = append(keys, string(f))
			delete(seen, string(f))
		}
	}
	rest := make([]string, 0, len(seen))
	for k := range seen {
		rest = append(rest, k)
	}
	sort.Strings(rest)
	return append(keys, rest...)
}

// Outcomes pairs items with their predictions, in item order.
func Outcomes(items []Item, preds []Prediction) ([]Outcome, error) {
	byID := make(map[string]*Prediction, len(preds))
	for i := range preds {
		byID[preds[i].ID] = &preds[i]
	}
	out := make([]Outcome, len(items))
	for i, it := range items {
		p, ok := byID[it.ID]
		if !ok {
			return nil, fmt.Errorf("no prediction for item %q", it.ID)
		}
		o := Outcome{ID: it.ID, Text: it.Text, Expected: map[string]string{}, Error: p.Error}
		for f, l := range it.Labels {
			o.Expected[string(f)] = l
		}
		for k, v := range it.OneVsRest {
			o.Expected[k] = fmt.Sprint(v)
		}
		if c := p.Predicted; c != nil {
			o.Predicted, o.Confidence = map[string]string{}, map[string]float64{}
			for _, f := range taxonomy.Fields {
				o.Predicted[string(f)], _ = c.Label(f)
				o.Confidence[string(f)] = c.Confidence.Of(f)
			}
		}
		out[i] = o
	}
	return out, nil
}
