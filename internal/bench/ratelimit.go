package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/llm/llmtest"
)

// The model-bound part's provider: a model taking providerLatency per
// answer behind a limit of providerPerMinute requests a minute, a token
// bucket of providerBurst (one second of the rate, as providers quantize
// their limits), and the worker's TRIAGE_LLM_CONCURRENCY: above the three
// calls in flight the limit sustains, so the limiter has to find them.
const (
	providerPerMinute    = 600
	providerBurst        = 10
	providerLatency      = 300 * time.Millisecond
	rateLimitConcurrency = 8
)

// RateLimitResult is what the model-bound part measured.
type RateLimitResult struct {
	// Seconds is how long the worker ran against the provider, with more
	// items waiting than the limit lets through.
	Seconds float64 `json:"ratelimit_window_s"`
	// CallsOK is how many requests the provider admitted (classifications
	// and drafts), Calls429 how many it answered 429.
	CallsOK  int `json:"ratelimit_calls_ok"`
	Calls429 int `json:"ratelimit_calls_429"`
	// Utilization is CallsOK over what the limit allowed in the window (the
	// full bucket, then 600 a minute): calls ok per minute / 600, counting
	// the first burst.
	Utilization float64 `json:"ratelimit_utilization"`
	// Share429 is Calls429 / (CallsOK + Calls429).
	Share429 float64 `json:"share_429"`
}

func (r *runner) rateLimit(ctx context.Context) (*RateLimitResult, error) {
	window := r.sizes.rateLimitWindow
	// Twice what the limit lets through: a backlog for the whole window.
	all, err := r.newItems("model", int(2*providerPerMinute*window.Minutes()))
	if err != nil {
		return nil, err
	}
	bodies, err := batches(all, ingestBatch)
	if err != nil {
		return nil, err
	}
	r.progress("ratelimit: %d items for %s against a %d ms model allowing %d requests a minute, TRIAGE_LLM_CONCURRENCY=%d",
		len(all), window, providerLatency.Milliseconds(), providerPerMinute, rateLimitConcurrency)
	s, err := r.startStack(ctx, stackOptions{part: PartRateLimit, worker: true,
		provider: func(h llmtest.Handler) llmtest.Handler {
			return llmtest.RateLimit(providerPerMinute, providerBurst, llmtest.Slow(providerLatency, h))
		},
		configure: func(c *config.Config) { c.LLMConcurrency = rateLimitConcurrency }})
	if err != nil {
		return nil, err
	}
	res, err := measureRateLimit(ctx, s, bodies, window)
	return res, joinClose(err, s)
}

func measureRateLimit(ctx context.Context, s *stack, bodies []batch, window time.Duration) (*RateLimitResult, error) {
	start := time.Now()
	if err := s.postAll(ctx, bodies, ingestClients); err != nil {
		return nil, err
	}
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(window - time.Since(start)):
	}
	elapsed := time.Since(start)
	ok := int(s.model.classify.Load() + s.model.drafts.Load())
	refused := int(s.model.refuse.Load())
	allowed := providerBurst + providerPerMinute*elapsed.Minutes()
	res := &RateLimitResult{Seconds: elapsed.Seconds(), CallsOK: ok, Calls429: refused, Utilization: float64(ok) / allowed}
	if ok+refused > 0 {
		res.Share429 = float64(refused) / float64(ok+refused)
	}
	return res, nil
}

func (x *RateLimitResult) describe() string {
	if x == nil {
		return ""
	}
	return fmt.Sprintf("ratelimit: %.0f s against a %d ms model allowing %d requests a minute (bursts of %d), TRIAGE_LLM_CONCURRENCY=%d: %s calls ok (%.0f a minute), %s answered 429",
		x.Seconds, providerLatency.Milliseconds(), providerPerMinute, providerBurst, rateLimitConcurrency,
		number(float64(x.CallsOK)), float64(x.CallsOK)/x.Seconds*60, number(float64(x.Calls429)))
}
