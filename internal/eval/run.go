package eval

import (
	"cmp"
	"context"
	"errors"
	"sync"
	"time"

	"github.com/triage-oss/triage/internal/calllog"
	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/taxonomy"
)

// Classifier is what an eval measures (classify.LLM, the local model, a
// cascade).
type Classifier interface {
	Classify(ctx context.Context, in classify.Input) (classify.Result, error)
}

// Prediction is a classifier's answer for one item.
type Prediction struct {
	ID        string                   `json:"id"`
	Predicted *taxonomy.Classification `json:"predicted,omitempty"`
	// Error is why there is no prediction; ErrorKind classifies it
	// (invalid_output, rate_limited, timeout, unavailable, rejected...).
	Error     string `json:"error,omitempty"`
	ErrorKind string `json:"error_kind,omitempty"`
	Backend   string `json:"backend,omitempty"`
	Model     string `json:"model,omitempty"`
	LatencyMS int64  `json:"latency_ms"`
	Calls     int    `json:"model_calls"`
	TokensIn  int    `json:"prompt_tokens,omitempty"`
	TokensOut int    `json:"completion_tokens,omitempty"`
	// Prefilter says why the local prefilter closed the item, if it did.
	Prefilter string `json:"prefilter,omitempty"`
}

// Options tunes Run.
type Options struct {
	// Concurrency is how many items are classified at once. Defaults to 1.
	Concurrency int
	// Progress, when set, is called after each item with the count done.
	Progress func(done, total int)
}

// Run classifies every item and returns the predictions in item order. A
// failed item gets a Prediction with Error set; Run itself fails only when
// ctx is cancelled.
func Run(ctx context.Context, items []Item, c Classifier, opts Options) ([]Prediction, error) {
	preds := make([]Prediction, len(items))
	work := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for range cmp.Or(opts.Concurrency, 1) {
		wg.Go(func() {
			for i := range work {
				preds[i] = predict(ctx, items[i], c)
				mu.Lock()
				done++
				if opts.Progress != nil {
					opts.Progress(done, len(items))
				}
				mu.Unlock()
			}
		})
	}
	for i := range items {
		select {
		case work <- i:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(work)
	wg.Wait()
	return preds, ctx.Err()
}

// predict classifies one item. Latency is the model calls' own (recorded
// in a cassette, so a replay reports the same), or the wall time of a
// classifier that makes none.
func predict(ctx context.Context, it Item, c Classifier) Prediction {
	start := time.Now()
	res, err := c.Classify(ctx, classify.Input{Channel: it.Channel, Text: it.Text})
	lat := res.Latency
	if res.Calls == 0 {
		lat = time.Since(start)
	}
	p := Prediction{ID: it.ID, Backend: res.Backend, Model: res.Model, Calls: res.Calls,
		TokensIn: res.PromptTokens, TokensOut: res.CompletionTokens, LatencyMS: lat.Milliseconds()}
	if err != nil {
		p.Error = err.Error()
		p.ErrorKind = string(calllog.OutcomeOf(err))
		if errors.Is(err, classify.ErrInvalidOutput) {
			p.ErrorKind = string(calllog.OutcomeInvalidOutput)
		}
		return p
	}
	p.Predicted, p.Prefilter = &res.Labels, res.Prefilter
	return p
}
