package eval

import (
	"context"
	"time"
)

// Setup describes a run for Evaluate: what is measured, for the report.
type Setup struct {
	Set        string // the set's path
	Backend    string
	Model      string
	Prompt     string // "classify/v2"; empty for the local model
	PromptHash string
	Prices     map[string]Price // for CostPer1000; DefaultPrices when nil
	Cascade    bool             // score the prefilter's closes
	// Record, when set, receives the raw predictions.
	Record func([]Prediction)
	Options
}

// Evaluate classifies every item with c and returns the complete result:
// scores, usage and cost, failures and abstentions, cascade closes, and
// every item's outcome. It fails only when ctx is cancelled.
func Evaluate(ctx context.Context, items []Item, c Classifier, s Setup) (Result, error) {
	res := Result{RunReport: RunReport{Set: s.Set, Backend: s.Backend, Model: s.Model, Prompt: s.Prompt,
		PromptHash: s.PromptHash, StartedAt: time.Now().UTC()}}
	preds, err := Run(ctx, items, c, s.Options)
	if err != nil {
		return res, err
	}
	res.DurationMS = time.Since(res.StartedAt).Milliseconds()
	if s.Record != nil {
		s.Record(preds)
	}
	if res.Scores, err = Score(items, preds); err != nil {
		return res, err
	}
	if res.Items, err = Outcomes(items, preds); err != nil {
		return res, err
	}
	res.Calibration = Calibrate(res.Items)
	res.Usage = UsageOf(preds)
	prices := s.Prices
	if prices == nil {
		prices = DefaultPrices
	}
	res.CostPer1000 = CostPer1000(res.Usage, len(items), s.Model, prices)
	res.countFailures(preds)
	if s.Cascade {
		cs := ScoreCascade(items, preds)
		res.Cascade = &cs
	}
	return res, nil
}
