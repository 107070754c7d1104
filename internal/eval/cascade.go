package eval

import (
	"slices"

	"github.com/triage-oss/triage/internal/taxonomy"
)

// CascadeScore tells what the local prefilter did on a set: how many model
// calls it avoided and how often closing was right.
type CascadeScore struct {
	Items  int `json:"items"`
	Closed int `json:"closed"` // closed by the prefilter: no model call
	// Judged closes are those whose item expects an intent or a risk;
	// a close is correct when the item expects noise or spam and nothing
	// a team must act on.
	Judged    int     `json:"judged"`
	Correct   int     `json:"correct"`
	Precision float64 `json:"precision"`
	// CallsAvoided is the share of items that never reached the model.
	CallsAvoided float64 `json:"calls_avoided"`
	// Wrong lists the ids of wrongly closed items, for review.
	Wrong []string `json:"wrong,omitempty"`
}

// ScoreCascade judges the prefilter's closes against the expectations.
func ScoreCascade(items []Item, preds []Prediction) CascadeScore {
	byID := make(map[string]Prediction, len(preds))
	for _, p := range preds {
		byID[p.ID] = p
	}
	s := CascadeScore{Items: len(items)}
	for _, it := range items {
		if byID[it.ID].Prefilter == "" {
			continue
		}
		s.Closed++
		ok, judged := closeIsRight(it)
		if !judged {
			continue
		}
		s.Judged++
		if ok {
			s.Correct++
		} else {
			s.Wrong = append(s.Wrong, it.ID)
		}
	}
	s.Precision = ratio(s.Correct, s.Judged)
	s.CallsAvoided = ratio(s.Closed, s.Items)
	return s
}

// closeIsRight reports whether closing it without anyone acting was right,
// and whether its expectations say anything about that.
func closeIsRight(it Item) (ok, judged bool) {
	intent, hasIntent := it.Labels[taxonomy.FieldIntent]
	risk, hasRisk := it.Labels[taxonomy.FieldRisk]
	switch {
	case hasRisk && risk != string(taxonomy.RiskNone) && risk != string(taxonomy.RiskSpam):
		return false, true // a risk someone must handle
	case hasIntent:
		return intent == string(taxonomy.IntentNoise) || risk == string(taxonomy.RiskSpam), true
	case hasRisk:
		return risk == string(taxonomy.RiskSpam), true
	}
	// One-vs-rest: an expected label says whether closing was right; an
	// excluded one ("not a complaint") does not.
	for key, want := range it.OneVsRest {
		if !want {
			continue
		}
		f, labels := splitKey(key)
		return (f == taxonomy.FieldIntent && slices.Contains(labels, string(taxonomy.IntentNoise))) ||
			(f == taxonomy.FieldRisk && slices.Contains(labels, string(taxonomy.RiskSpam))), true
	}
	return false, false
}
