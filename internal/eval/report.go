package eval

import (
	"cmp"
	"slices"
	"time"

	"github.com/triage-oss/triage/internal/taxonomy"
)

// RunReport is everything one eval run measured, as `triage eval run
// --json` writes it.
type RunReport struct {
	Set        string    `json:"set"`
	Backend    string    `json:"backend"`
	Model      string    `json:"model"`
	Prompt     string    `json:"prompt,omitempty"`
	PromptHash string    `json:"prompt_hash,omitempty"`
	StartedAt  time.Time `json:"started_at"`
	DurationMS int64     `json:"duration_ms"`

	Usage Usage `json:"usage"`
	// CostPer1000 estimates the model cost of a thousand items at this
	// run's usage, in US dollars; null when the model has no known price.
	CostPer1000 *float64 `json:"cost_per_1000_usd"`
	// Failures counts items without a prediction by kind (invalid_output,
	// timeout, rate_limited...).
	Failures map[string]int `json:"failures"`
	// Abstentions counts, per field, the predictions whose confidence is
	// below AbstainBelow: answers a team should not act on unreviewed.
	Abstentions map[string]int `json:"abstentions"`

	Scores *Report `json:"scores"`
	// Calibration is each field's expected calibration error and
	// reliability table.
	Calibration map[string]Calibration `json:"calibration"`
	Cascade     *CascadeScore          `json:"cascade,omitempty"`
}

// AbstainBelow is the confidence under which a prediction counts as an
// abstention.
const AbstainBelow = 0.5

// countFailures fills Failures and Abstentions from predictions.
func (r *RunReport) countFailures(preds []Prediction) {
	r.Failures, r.Abstentions = map[string]int{}, map[string]int{}
	for _, p := range preds {
		if p.Predicted == nil {
			r.Failures[cmp.Or(p.ErrorKind, "error")]++
			continue
		}
		for _, f := range taxonomy.Fields {
			if p.Predicted.Confidence.Of(f) < AbstainBelow {
				r.Abstentions[string(f)]++
			}
		}
	}
}

// Usage sums the cost side of a run.
type Usage struct {
	ModelCalls   int   `json:"model_calls"`
	PromptTokens int   `json:"prompt_tokens"`
	OutputTokens int   `json:"completion_tokens"`
	LatencyP50MS int64 `json:"latency_p50_ms"`
	LatencyP95MS int64 `json:"latency_p95_ms"`
}

// UsageOf sums the calls, tokens and latency percentiles of predictions.
func UsageOf(preds []Prediction) Usage {
	var u Usage
	lat := make([]int64, 0, len(preds))
	for _, p := range preds {
		u.ModelCalls += p.Calls
		u.PromptTokens += p.TokensIn
		u.OutputTokens += p.TokensOut
		lat = append(lat, p.LatencyMS)
	}
	slices.Sort(lat)
	u.LatencyP50MS, u.LatencyP95MS = percentile(lat, 0.50), percentile(lat, 0.95)
	return u
}

// percentile returns the nearest-rank percentile of sorted values.
func percentile(sorted []int64, p float64) int64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
