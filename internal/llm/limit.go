package llm

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"
)

// Completer is a model backend: *OpenAI, *Ollama, or a Limiter around one.
type Completer interface {
	// Complete sends req and returns the model's answer. Errors match one
	// of the package's sentinel kinds.
	Complete(ctx context.Context, req Request) (Response, error)
	// Backend names the backend (BackendOpenAI, BackendOllama...).
	Backend() string
	// Model names the model that is called.
	Model() string
}

// Limiter defaults.
const (
	DefaultMaxConcurrent = 4
	DefaultTimeout       = 2 * time.Minute
)

// LimitConfig configures a Limiter.
type LimitConfig struct {
	// MaxConcurrent bounds the calls in flight at once:
	// DefaultMaxConcurrent when 0. Match it to what the backend serves in
	// parallel (OLLAMA_NUM_PARALLEL, vLLM's batch) or to the provider's
	// rate limit.
	MaxConcurrent int
	// Timeout bounds each call from the moment it gets a slot (waiting for
	// a slot is bounded by the caller's context only): DefaultTimeout when
	// 0, no bound when negative.
	Timeout time.Duration
}

// WithDefaults returns the config with every zero field set to its
// default.
func (c LimitConfig) WithDefaults() LimitConfig {
	c.MaxConcurrent = cmp.Or(c.MaxConcurrent, DefaultMaxConcurrent)
	c.Timeout = cmp.Or(c.Timeout, DefaultTimeout)
	return c
}

// Limiter wraps a Completer, bounding how many calls run at once and how
// long each may take. Calls beyond the bound wait for a slot, in no
// particular order, until their context is done. It is safe for concurrent
// use, and is itself a Completer:
//
//	client, err := llm.NewOllama(llm.OllamaConfig{Model: "qwen2.5:7b"})
//	...
//	limited, err := llm.NewLimiter(client, llm.LimitConfig{MaxConcurrent: 2, Timeout: time.Minute})
//	...
//	resp, err := limited.Complete(ctx, req)
type Limiter struct {
	next    Completer
	slots   chan struct{}
	timeout time.Duration
}

var _ Completer = (*Limiter)(nil)

// NewLimiter returns a Limiter around next, configured by cfg after
// applying defaults. It fails when next is nil or MaxConcurrent is
// negative.
func NewLimiter(next Completer, cfg LimitConfig) (*Limiter, error) {
	cfg = cfg.WithDefaults()
	switch {
	case next == nil:
		return nil, errors.New("limiter: nil completer")
	case cfg.MaxConcurrent < 0:
		return nil, fmt.Errorf("limiter: max concurrent %d: must not be negative", cfg.MaxConcurrent)
	}
	return &Limiter{next: next, slots: make(chan struct{}, cfg.MaxConcurrent), timeout: cfg.Timeout}, nil
}

// Backend returns the wrapped backend's name.
func (l *Limiter) Backend() string { return l.next.Backend() }

// Model returns the wrapped backend's model.
func (l *Limiter) Model() string { return l.next.Model() }

// InFlight returns how many calls hold a slot right now.
func (l *Limiter) InFlight() int { return len(l.slots) }

// Complete waits for a slot, then calls the wrapped backend under the
// configured timeout. A context done while waiting, or the timeout
// expiring, is reported as ErrTimeout; other errors pass through unchanged.
func (l *Limiter) Complete(ctx context.Context, req Request) (Response, error) {
	if err := l.acquire(ctx); err != nil {
		return Response{}, err
	}
	defer func() { <-l.slots }()
	callCtx, cancel := l.callContext(ctx)
	defer cancel()
	resp, err := l.next.Complete(callCtx, req)
	if err != nil && ctx.Err() == nil && callCtx.Err() != nil {
		return Response{}, l.timedOut(err)
	}
	return resp, err
}

func (l *Limiter) acquire(ctx context.Context) error {
	if ctx.Err() == nil {
		select {
		case l.slots <- struct{}{}:
			return nil
		case <-ctx.Done():
		}
	}
	err := fmt.Errorf("wait for one of %d call slots: %w", cap(l.slots), context.Cause(ctx))
	return &Error{Backend: l.Backend(), Model: l.Model(), Kind: ErrTimeout, Err: err}
}

func (l *Limiter) callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if l.timeout < 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, l.timeout)
}

// timedOut reports err, returned after the call's own timeout expired, as
// ErrTimeout whatever the backend made of it, keeping its status and cause.
func (l *Limiter) timedOut(err error) error {
	out := &Error{Backend: l.Backend(), Model: l.Model(), Err: err}
	var e *Error
	if errors.As(err, &e) {
		*out = *e
	}
	out.Kind = ErrTimeout
	if out.Err != nil {
		out.Err = fmt.Errorf("no answer within %s: %w", l.timeout, out.Err)
	}
	return out
}
