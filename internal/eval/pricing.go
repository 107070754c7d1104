package eval

import (
	"encoding/json"
	"fmt"
	"os"
)

// Price is what a model costs, in US dollars per million tokens.
type Price struct {
	InputPerMillion  float64 `json:"input_per_million"`
	OutputPerMillion float64 `json:"output_per_million"`
}

// DefaultPrices are list prices of common hosted models (USD per million
// tokens, November 2026); local models cost nothing per token. Override or
// extend them with a JSON file of the same shape (TRIAGE_PRICES).
var DefaultPrices = map[string]Price{
	"gpt-4o-mini":   {0.15, 0.60},
	"gpt-4o":        {2.50, 10.00},
	"gpt-4.1-nano":  {0.10, 0.40},
	"gpt-4.1-mini":  {0.40, 1.60},
	"gpt-4.1":       {2.00, 8.00},
	"triage-local":  {0, 0},
	"extractive-v1": {0, 0},
}

// LoadPrices returns DefaultPrices overridden by the JSON file at path
// ({"model": {"input_per_million": 0.15, "output_per_million": 0.6}});
// an empty path returns the defaults.
func LoadPrices(path string) (map[string]Price, error) {
	out := make(map[string]Price, len(DefaultPrices))
	for k, v := range DefaultPrices {
		out[k] = v
	}
	if path == "" {
		return out, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("price table: %w", err)
	}
	var more map[string]Price
	if err := json.Unmarshal(data, &more); err != nil {
		return nil, fmt.Errorf("price table %s: %w", path, err)
	}
	for k, v := range more {
		out[k] = v
	}
	return out, nil
}

// CostPer1000 is the estimated cost of a thousand items at the usage of a
// run of n items, or nil when the model has no known price.
func CostPer1000(u Usage, n int, model string, prices map[string]Price) *float64 {
	p, ok := prices[model]
	if !ok || n == 0 {
		return nil
	}
	total := (float64(u.PromptTokens)*p.InputPerMillion + float64(u.OutputTokens)*p.OutputPerMillion) / 1e6
	c := total / float64(n) * 1000
	return &c
}
