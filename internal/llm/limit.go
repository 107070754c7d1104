package llm

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
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
	// DefaultDecrease is the factor a 429 multiplies the limit by.
	DefaultDecrease = 0.5
	// DefaultProbe is the slots a window of successes adds to a limit that
	// has come back to one slot below the level of the last 429: with
	// 1/32, the failing level is tried again after 32 windows.
	DefaultProbe = 1.0 / 32
)

// maxProbeBackoff bounds how much rarer probing gets when the same level
// keeps failing: at most 16 times rarer than Probe.
const maxProbeBackoff = 16

// LimitConfig configures a Limiter.
type LimitConfig struct {
	// MaxConcurrent bounds the calls in flight at once:
	// DefaultMaxConcurrent when 0. Match it to what the backend serves in
	// parallel (OLLAMA_NUM_PARALLEL, vLLM's batch) or to the provider's
	// rate limit; the limiter goes below it while the backend answers 429.
	MaxConcurrent int
	// Timeout bounds each call from the moment it gets a slot (waiting for
	// a slot is bounded by the caller's context only): DefaultTimeout when
	// 0, no bound when negative.
	Timeout time.Duration
	// Decrease multiplies the limit on a 429: DefaultDecrease when 0. It
	// must be above 0 and below 1.
	Decrease float64
	// Probe is the slots a window of successes adds once the limit is
	// within one slot of the level that last answered 429: DefaultProbe
	// when 0. It must be above 0 and at most 1.
	Probe float64
	// Clock tells time for the pauses a Retry-After asks for: the system
	// clock when nil.
	Clock Clock
}

// WithDefaults returns the config with every zero field set to its
// default.
func (c LimitConfig) WithDefaults() LimitConfig {
	c.MaxConcurrent = cmp.Or(c.MaxConcurrent, DefaultMaxConcurrent)
	c.Timeout = cmp.Or(c.Timeout, DefaultTimeout)
	c.Decrease = cmp.Or(c.Decrease, DefaultDecrease)
	c.Probe = cmp.Or(c.Probe, DefaultProbe)
	if c.Clock == nil {
		c.Clock = SystemClock{}
	}
	return c
}

func (c LimitConfig) validate() error {
	switch {
	case c.MaxConcurrent < 0:
		return fmt.Errorf("limiter: max concurrent %d: must not be negative", c.MaxConcurrent)
	case c.Decrease <= 0 || c.Decrease >= 1:
		return fmt.Errorf("limiter: decrease %g: must be above 0 and below 1", c.Decrease)
	case c.Probe <= 0 || c.Probe > 1:
		return fmt.Errorf("limiter: probe %g: must be above 0 and at most 1", c.Probe)
	}
	return nil
}

// Clock is the time source of a Limiter's pauses; tests inject a fake.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine once d has passed, unless
	// stop is called first (stop reports whether it prevented the call).
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

// SystemClock is the Clock of the time package.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// AfterFunc runs f after d with time.AfterFunc.
func (SystemClock) AfterFunc(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }

// Limiter wraps a Completer, bounding how many calls run at once and how
// long each may take, and adapting the bound to the backend's rate limit
// (additive increase, multiplicative decrease):
//
//   - It starts with MaxConcurrent slots.
//   - A 429 (ErrRateLimited) multiplies the limit by Decrease, once per
//     congestion event (the 429s of calls admitted before the last
//     decrease lower it no further), and remembers the level that failed.
//     When the answer named a Retry-After, no call starts before it is
//     over.
//   - A success while every slot was busy adds to the limit: one slot per
//     window of successes (a window is as many successes as the limit)
//     until one slot below the level that failed, then Probe slots per
//     window, so that the level at which the provider refuses is tried
//     again only now and then; each time the same level fails again, half
//     as often (down to a sixteenth of Probe).
//   - The limit never exceeds MaxConcurrent nor falls below 1.
//
// Against a provider allowing 600 requests a minute with a 300 ms model
// (three calls in flight), 8 slots come down to 3 within two seconds, and
// about one call in 150 is answered 429 over the first two minutes.
//
// Calls beyond the limit wait for a slot, first come first served, until
// their context is done; a call that a pause would keep waiting past its
// context's deadline (arriving during the pause, or waiting when it
// starts) fails at once with ErrRateLimited and the rest of the pause as
// its Retry-After, so that its caller (the triage worker) snoozes without
// spending an attempt instead of timing out in the queue. Other
// errors leave the limit alone. It is safe
// for concurrent use, and is itself a Completer:
//
//	client, err := llm.NewOllama(llm.OllamaConfig{Model: "qwen2.5:7b"})
//	...
//	limited, err := llm.NewLimiter(client, llm.LimitConfig{MaxConcurrent: 2, Timeout: time.Minute})
//	...
//	resp, err := limited.Complete(ctx, req)
type Limiter struct {
	next   Completer
	config LimitConfig

	mu       sync.Mutex
	limit    float64   // slots allowed: the integer part counts
	failedAt int       // slots in use at the last 429; 0 before any
	probe    float64   // slots a window adds near failedAt
	epoch    uint64    // congestion events so far
	inFlight int       // calls holding a slot
	queue    []*waiter // calls waiting for a slot, oldest first
	paused   time.Time // no call starts before this instant
	wake     func() bool
}

// waiter is a call waiting for a slot.
type waiter struct {
	ready    chan struct{} // closed when the call holds a slot, or err is set
	epoch    uint64        // the congestion epoch it was admitted in
	err      error         // why it gave up waiting, when it did
	deadline time.Time     // its context's deadline; zero when none
}

var _ Completer = (*Limiter)(nil)

// NewLimiter returns a Limiter around next, configured by cfg after
// applying defaults. It fails when next is nil or a setting is out of
// range.
func NewLimiter(next Completer, cfg LimitConfig) (*Limiter, error) {
	cfg = cfg.WithDefaults()
	if next == nil {
		return nil, errors.New("limiter: nil completer")
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Limiter{next: next, config: cfg, limit: float64(cfg.MaxConcurrent), probe: cfg.Probe}, nil
}

// Backend returns the wrapped backend's name.
func (l *Limiter) Backend() string { return l.next.Backend() }

// Model returns the wrapped backend's model.
func (l *Limiter) Model() string { return l.next.Model() }

// InFlight returns how many calls hold a slot right now.
func (l *Limiter) InFlight() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.inFlight
}

// Waiting returns how many calls wait for a slot right now.
func (l *Limiter) Waiting() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.queue)
}

// Limit returns how many calls may hold a slot at once right now, between
// 1 and MaxConcurrent.
func (l *Limiter) Limit() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.slots()
}

// PausedUntil returns when calls may start again after a 429 that named a
// Retry-After; the zero time or a past instant when they may now.
func (l *Limiter) PausedUntil() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.paused
}

// Complete waits for a slot, then calls the wrapped backend under the
// configured timeout. A context done while waiting, or the timeout
// expiring, is reported as ErrTimeout; other errors pass through unchanged.
func (l *Limiter) Complete(ctx context.Context, req Request) (Response, error) {
	epoch, err := l.acquire(ctx)
	if err != nil {
		return Response{}, err
	}
	callCtx, cancel := l.callContext(ctx)
	defer cancel()
	resp, err := l.next.Complete(callCtx, req)
	l.release(epoch, err)
	if err != nil && ctx.Err() == nil && callCtx.Err() != nil {
		return Response{}, l.timedOut(err)
	}
	return resp, err
}

// acquire waits for a slot and returns the congestion epoch it was granted
// in.
func (l *Limiter) acquire(ctx context.Context) (uint64, error) {
	l.mu.Lock()
	if ctx.Err() != nil {
		defer l.mu.Unlock()
		return 0, l.waitError(ctx)
	}
	if err := l.pausedPastDeadline(ctx); err != nil {
		l.mu.Unlock()
		return 0, err
	}
	if len(l.queue) == 0 && l.admits() {
		l.inFlight++
		epoch := l.epoch
		l.mu.Unlock()
		return epoch, nil
	}
	w := &waiter{ready: make(chan struct{})}
	w.deadline, _ = ctx.Deadline()
	l.queue = append(l.queue, w)
	l.mu.Unlock()
	select {
	case <-w.ready:
		return w.epoch, w.err
	case <-ctx.Done():
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	select {
	case <-w.ready:
		if w.err != nil {
			return 0, w.err
		}
		l.inFlight-- // granted meanwhile: hand the slot on
		l.grant()
	default:
		l.queue = slices.DeleteFunc(l.queue, func(q *waiter) bool { return q == w })
	}
	return 0, l.waitError(ctx)
}

// pausedPastDeadline returns an ErrRateLimited error, with the rest of
// the pause as its Retry-After, when calls are paused beyond ctx's
// deadline: the caller had better come back later than wait in vain. l.mu
// is held.
func (l *Limiter) pausedPastDeadline(ctx context.Context) error {
	deadline, _ := ctx.Deadline()
	return l.pausedPast(deadline)
}

// pausedPast returns pausedPastDeadline's error for a deadline (none when
// zero). l.mu is held.
func (l *Limiter) pausedPast(deadline time.Time) error {
	rest := l.paused.Sub(l.config.Clock.Now())
	if rest <= 0 || deadline.IsZero() || rest < time.Until(deadline) {
		return nil
	}
	err := fmt.Errorf("calls paused for %s by the backend's Retry-After, past this call's deadline", rest.Round(time.Millisecond))
	return &Error{Backend: l.Backend(), Model: l.Model(), Kind: ErrRateLimited, RetryAfter: rest, Err: err}
}

// dismiss sends away the waiting calls that the pause would keep past
// their deadline, with pausedPast's error. l.mu is held.
func (l *Limiter) dismiss() {
	l.queue = slices.DeleteFunc(l.queue, func(w *waiter) bool {
		if w.err = l.pausedPast(w.deadline); w.err == nil {
			return false
		}
		close(w.ready)
		return true
	})
}

// waitError reports a wait for a slot cut short by ctx. l.mu is held.
func (l *Limiter) waitError(ctx context.Context) error {
	err := fmt.Errorf("wait for one of %d call slots (at most %d): %w", l.slots(), l.config.MaxConcurrent, context.Cause(ctx))
	return &Error{Backend: l.Backend(), Model: l.Model(), Kind: ErrTimeout, Err: err}
}

// release frees a call's slot and adapts the limit to the call's outcome.
func (l *Limiter) release(epoch uint64, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	busy := l.inFlight >= l.slots() || len(l.queue) > 0
	l.inFlight--
	switch {
	case err == nil && busy:
		l.increase()
	case errors.Is(err, ErrRateLimited):
		l.decrease(epoch, err)
	}
	l.grant()
}

// increase adds one success's share of a window's increment.
func (l *Limiter) increase() {
	step := 1.0
	if l.failedAt > 0 && l.slots()+1 >= l.failedAt {
		step = l.probe
	}
	l.limit = min(l.limit+step/l.limit, float64(l.config.MaxConcurrent))
}

// decrease lowers the limit for the first 429 of a congestion event, and
// pauses new calls for the Retry-After of any.
func (l *Limiter) decrease(epoch uint64, err error) {
	if epoch == l.epoch {
		// The same level failing again: probe it half as often.
		if l.slots() == l.failedAt {
			l.probe = max(l.probe/2, l.config.Probe/maxProbeBackoff)
		} else {
			l.probe = l.config.Probe
		}
		l.failedAt = l.slots()
		l.limit = max(1, l.limit*l.config.Decrease)
		l.epoch++
	}
	wait, ok := RetryAfter(err)
	if !ok {
		return
	}
	until := l.config.Clock.Now().Add(wait)
	if !until.After(l.paused) {
		return
	}
	l.paused = until
	if l.wake != nil {
		l.wake()
	}
	l.wake = l.config.Clock.AfterFunc(wait, l.resume)
	l.dismiss()
}

// resume admits the calls that waited out a pause.
func (l *Limiter) resume() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.grant()
}

// grant hands free slots to waiting calls, oldest first.
func (l *Limiter) grant() {
	for len(l.queue) > 0 && l.admits() {
		w := l.queue[0]
		l.queue[0] = nil
		l.queue = l.queue[1:]
		l.inFlight++
		w.epoch = l.epoch
		close(w.ready)
	}
}

// admits reports whether a call may take a slot now.
func (l *Limiter) admits() bool {
	return l.inFlight < l.slots() && !l.config.Clock.Now().Before(l.paused)
}

// slots is the whole number of calls the limit allows.
func (l *Limiter) slots() int { return int(math.Floor(l.limit)) }

func (l *Limiter) callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if l.config.Timeout < 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, l.config.Timeout)
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
		out.Err = fmt.Errorf("no answer within %s: %w", l.config.Timeout, out.Err)
	}
	return out
}
