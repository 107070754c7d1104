package eval

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

// Baseline is a CI gate: the eval to run and the per-field macro-F1 it must
// keep, within Margin.
type Baseline struct {
	Description string `json:"description,omitempty"`

	// What to run.
	Set      string `json:"set"`
	Backend  string `json:"backend"`            // local, or replay with Cassette
	Cassette string `json:"cassette,omitempty"` // recorded answers for a model backend
	Prompt   string `json:"prompt,omitempty"`   // classify prompt version

	// Margin is how far below its baseline a field's macro-F1 may fall.
	Margin  float64            `json:"margin"`
	MacroF1 map[string]float64 `json:"macro_f1"`
}

// DefaultMargin is the margin of a baseline that sets none.
const DefaultMargin = 0.02

// LoadBaseline reads a baseline file.
func LoadBaseline(path string) (Baseline, error) {
	var b Baseline
	data, err := os.ReadFile(path)
	if err != nil {
		return b, err
	}
	if err := json.Unmarshal(data, &b); err != nil {
		return b, fmt.Errorf("baseline %s: %w", path, err)
	}
	if b.Set == "" || b.Backend == "" {
		return b, fmt.Errorf("baseline %s: set and backend are required", path)
	}
	if b.Margin == 0 {
		b.Margin = DefaultMargin
	}
	return b, nil
}

// Save writes the baseline to path.
func (b Baseline) Save(path string) error {
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// GateResult is one field's verdict.
type GateResult struct {
	Field    string  `json:"field"`
	Baseline float64 `json:"baseline"`
	Got      float64 `json:"got"`
	Delta    float64 `json:"delta"`
	Pass     bool    `json:"pass"`
}

// Check compares a run's per-field macro-F1 with the baseline, field by
// field in name order; a field the run no longer scores fails.
func (b Baseline) Check(res Result) (results []GateResult, pass bool) {
	fields := make([]string, 0, len(b.MacroF1))
	for f := range b.MacroF1 {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	pass = true
	for _, f := range fields {
		r := GateResult{Field: f, Baseline: b.MacroF1[f]}
		if fr, ok := res.Scores.fieldReport(f); ok {
			r.Got = fr.MacroF1
			r.Delta = r.Got - r.Baseline
			r.Pass = r.Got >= r.Baseline-b.Margin-1e-9
		}
		pass = pass && r.Pass
		results = append(results, r)
	}
	return results, pass
}

// Update sets the baseline's numbers to the run's.
func (b *Baseline) Update(res Result) {
	b.MacroF1 = map[string]float64{}
	for f, fr := range res.Scores.Fields {
		b.MacroF1[string(f)] = round4(fr.MacroF1)
	}
}

func (r *Report) fieldReport(f string) (*FieldReport, bool) {
	for k, fr := range r.Fields {
		if string(k) == f {
			return fr, true
		}
	}
	return nil, false
}

func round4(x float64) float64 { return float64(int64(x*10000+0.5)) / 10000 }
