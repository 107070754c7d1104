package routing

import "github.com/triage-oss/triage/internal/taxonomy"

// AutoClose reports whether an auto_close policy closes in without a reply,
// and names the policy (its name, or "auto_close #N" by position).
//
// A policy closes an item when its when matches and the confidence of
// every field it names, and of risk, is at least its min_confidence. Two
// guards hold whatever the rules file says: an item whose risk is not
// "none" is never closed, nor is a sarcastic one.
func (r *Rules) AutoClose(in Input) (rule string, ok bool) {
	if in.Labels.Risk != taxonomy.RiskNone || in.Labels.Sarcasm {
		return "", false
	}
	t := &text{raw: in.Text}
	for _, p := range r.autoClose {
		if p.when.match(in, t) && p.confident(&in.Labels.Confidence) {
			return p.name, true
		}
	}
	return "", false
}

// confident reports whether the model is sure enough of every field the
// policy names, and of the absence of risk.
func (p *policy) confident(c *taxonomy.Confidence) bool {
	if !(c.Risk >= p.minConfidence) {
		return false
	}
	for _, f := range p.when.fields {
		if !(c.Of(f) >= p.minConfidence) { // also false for NaN
			return false
		}
	}
	return true
}
