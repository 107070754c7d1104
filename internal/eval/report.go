package eval

import (
	"slices"
	"time"
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

	Usage   Usage         `json:"usage"`
	Scores  *Report       `json:"scores"`
	Cascade *CascadeScore `json:"cascade,omitempty"`
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
