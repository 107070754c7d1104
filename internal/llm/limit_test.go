package llm_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/llm/llmtest"
)

// blockingCompleter answers only when its context is done, with a plain
// context error, as a Completer outside this package might.
type blockingCompleter struct{}

func (blockingCompleter) Complete(ctx context.Context, _ llm.Request) (llm.Response, error) {
	<-ctx.Done()
	return llm.Response{}, ctx.Err()
}

func (blockingCompleter) Backend() string { return "stub" }
func (blockingCompleter) Model() string   { return "stub-model" }

func TestNewLimiter(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		next    llm.Completer
		cfg     llm.LimitConfig
		wantErr string
	}{
		{"Defaults", blockingCompleter{}, llm.LimitConfig{}, ""},
		{"NilCompleter", nil, llm.LimitConfig{}, "nil completer"},
		{"NegativeConcurrency", blockingCompleter{}, llm.LimitConfig{MaxConcurrent: -1}, "must not be negative"},
		{"DecreaseOfOne", blockingCompleter{}, llm.LimitConfig{Decrease: 1}, "decrease 1: must be above 0 and below 1"},
		{"NegativeDecrease", blockingCompleter{}, llm.LimitConfig{Decrease: -0.5}, "must be above 0 and below 1"},
		{"ProbeAboveOne", blockingCompleter{}, llm.LimitConfig{Probe: 2}, "probe 2: must be above 0 and at most 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			l, err := llm.NewLimiter(tt.next, tt.cfg)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, "stub", l.Backend())
			require.Equal(t, "stub-model", l.Model())
			require.Zero(t, l.InFlight())
			require.Equal(t, llm.DefaultMaxConcurrent, l.Limit())
		})
	}
	require.Equal(t, llm.LimitConfig{MaxConcurrent: llm.DefaultMaxConcurrent, Timeout: llm.DefaultTimeout,
		Decrease: llm.DefaultDecrease, Probe: llm.DefaultProbe, Clock: llm.SystemClock{}}, llm.LimitConfig{}.WithDefaults())
}

func TestLimiter(t *testing.T) {
	t.Parallel()

	type testBundle struct {
		srv     *llmtest.Server
		limiter *llm.Limiter
	}
	setup := func(t *testing.T, b backend, h llmtest.Handler, cfg llm.LimitConfig) *testBundle {
		t.Helper()
		srv := b.serve(t, h)
		limiter, err := llm.NewLimiter(b.client(t, srv), cfg)
		require.NoError(t, err)
		return &testBundle{srv: srv, limiter: limiter}
	}

	for _, b := range backends {
		t.Run(b.name+"/BoundsConcurrency", func(t *testing.T) {
			t.Parallel()

			const callers, maxConcurrent = 50, 4
			bundle := setup(t, b, llmtest.Slow(20*time.Millisecond, llmtest.Classifier()), llm.LimitConfig{MaxConcurrent: maxConcurrent})
			var wg sync.WaitGroup
			errs := make(chan error, callers)
			for range callers {
				wg.Go(func() {
					_, err := bundle.limiter.Complete(context.Background(), classifyRequest("my invoice is wrong"))
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			require.Equal(t, callers, bundle.srv.Requests())
			require.Equal(t, maxConcurrent, bundle.srv.MaxInFlight())
			require.Zero(t, bundle.limiter.InFlight())
		})

		t.Run(b.name+"/Timeout", func(t *testing.T) {
			t.Parallel()

			bundle := setup(t, b, llmtest.Hang(), llm.LimitConfig{Timeout: 50 * time.Millisecond})
			start := time.Now()
			_, err := bundle.limiter.Complete(context.Background(), classifyRequest("hello"))
			e := requireKind(t, err, llm.ErrTimeout)
			require.Contains(t, e.Error(), "no answer within 50ms")
			require.Equal(t, b.name, e.Backend)
			require.Less(t, time.Since(start), 5*time.Second)
		})

		t.Run(b.name+"/WaitEndsWithContext", func(t *testing.T) {
			t.Parallel()

			bundle := setup(t, b, llmtest.Hang(), llm.LimitConfig{MaxConcurrent: 1, Timeout: -1})
			holder, release := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				_, err := bundle.limiter.Complete(holder, classifyRequest("first"))
				done <- err
			}()
			require.Eventually(t, func() bool { return bundle.srv.InFlight() == 1 }, 5*time.Second, time.Millisecond)

			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			_, err := bundle.limiter.Complete(ctx, classifyRequest("second"))
			requireKind(t, err, llm.ErrTimeout)
			require.ErrorIs(t, err, context.DeadlineExceeded)
			require.Equal(t, 1, bundle.srv.Requests(), "the waiting call never reached the server")

			release()
			requireKind(t, <-done, llm.ErrTimeout)
			require.Zero(t, bundle.limiter.InFlight())
		})

		t.Run(b.name+"/ErrorsPassThrough", func(t *testing.T) {
			t.Parallel()

			bundle := setup(t, b, llmtest.RateLimited("3"), llm.LimitConfig{})
			_, err := bundle.limiter.Complete(context.Background(), classifyRequest("hello"))
			requireKind(t, err, llm.ErrRateLimited)
			d, ok := llm.RetryAfter(err)
			require.True(t, ok)
			require.Equal(t, 3*time.Second, d)
		})
	}

	t.Run("TimeoutOfForeignCompleter", func(t *testing.T) {
		t.Parallel()

		limiter, err := llm.NewLimiter(blockingCompleter{}, llm.LimitConfig{Timeout: 20 * time.Millisecond})
		require.NoError(t, err)
		_, err = limiter.Complete(context.Background(), classifyRequest("hello"))
		e := requireKind(t, err, llm.ErrTimeout)
		require.Equal(t, "stub", e.Backend)
		require.ErrorIs(t, err, context.DeadlineExceeded)
	})
}

// heldCompleter holds every call until the test answers it.
type heldCompleter struct{ calls chan heldCall }

type heldCall struct{ answer chan error }

func (h heldCompleter) Complete(ctx context.Context, _ llm.Request) (llm.Response, error) {
	c := heldCall{answer: make(chan error)}
	h.calls <- c
	select {
	case err := <-c.answer:
		return llm.Response{}, err
	case <-ctx.Done():
		return llm.Response{}, ctx.Err()
	}
}

func (heldCompleter) Backend() string { return "held" }
func (heldCompleter) Model() string   { return "held-model" }

// fakeClock is a Clock that moves only when told.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	at   time.Time
	f    func()
	done bool // fired or stopped
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		stopped := !t.done
		t.done = true
		return stopped
	}
}

// Advance moves the clock and runs the timers that came due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var due []func()
	for _, t := range c.timers {
		if !t.done && !t.at.After(c.now) {
			t.done = true
			due = append(due, t.f)
		}
	}
	c.mu.Unlock()
	for _, f := range due {
		f()
	}
}

// rateLimited is a 429 answer asking to wait retryAfter (none when 0).
func rateLimited(retryAfter time.Duration) error {
	return &llm.Error{Backend: "held", Model: "held-model", Kind: llm.ErrRateLimited, StatusCode: 429, RetryAfter: retryAfter}
}

func TestLimiterAdapts(t *testing.T) {
	t.Parallel()

	type call struct {
		held   heldCall
		result chan error
	}
	type testBundle struct {
		limiter *llm.Limiter
		clock   *fakeClock
		stub    heldCompleter
		running []call // admitted and held, oldest first
	}
	setup := func(t *testing.T, maxConcurrent int) *testBundle {
		t.Helper()
		b := &testBundle{clock: &fakeClock{now: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}, stub: heldCompleter{calls: make(chan heldCall)}}
		var err error
		b.limiter, err = llm.NewLimiter(b.stub, llm.LimitConfig{MaxConcurrent: maxConcurrent, Timeout: -1, Clock: b.clock})
		require.NoError(t, err)
		return b
	}
	// start makes a call and returns its result channel; admitted waits for
	// the oldest started call to reach the backend.
	var pending []chan error
	var mu sync.Mutex
	start := func(b *testBundle) chan error {
		result := make(chan error, 1)
		go func() {
			_, err := b.limiter.Complete(context.Background(), classifyRequest("hello"))
			result <- err
		}()
		mu.Lock()
		pending = append(pending, result)
		mu.Unlock()
		return result
	}
	admitted := func(t *testing.T, b *testBundle, result chan error) {
		t.Helper()
		select {
		case h := <-b.stub.calls:
			b.running = append(b.running, call{held: h, result: result})
		case <-time.After(5 * time.Second):
			t.Fatal("no call reached the backend")
		}
	}
	// fill starts calls until every slot is busy.
	fill := func(t *testing.T, b *testBundle) {
		t.Helper()
		for len(b.running) < b.limiter.Limit() {
			admitted(t, b, start(b))
		}
	}
	// answer returns err from the oldest running call and waits for its
	// slot to be released.
	answer := func(t *testing.T, b *testBundle, err error) {
		t.Helper()
		c := b.running[0]
		b.running = b.running[1:]
		c.held.answer <- err
		require.ErrorIs(t, <-c.result, err)
	}
	// succeedBusy answers n calls with success, every slot busy each time.
	succeedBusy := func(t *testing.T, b *testBundle, n int) {
		t.Helper()
		for range n {
			fill(t, b)
			answer(t, b, nil)
		}
	}

	t.Run("HalvesOnRateLimit", func(t *testing.T) {
		t.Parallel()

		b := setup(t, 8)
		fill(t, b)
		answer(t, b, rateLimited(0))
		require.Equal(t, 4, b.limiter.Limit())
		require.Equal(t, 7, b.limiter.InFlight())
		require.True(t, b.limiter.PausedUntil().IsZero(), "no Retry-After, no pause")
	})

	t.Run("OneDecreasePerCongestionEvent", func(t *testing.T) {
		t.Parallel()

		b := setup(t, 8)
		fill(t, b)
		for range 8 {
			answer(t, b, rateLimited(0))
		}
		require.Equal(t, 4, b.limiter.Limit(), "calls admitted before the decrease lower it no further")
		fill(t, b)
		answer(t, b, rateLimited(0))
		require.Equal(t, 2, b.limiter.Limit(), "a call admitted after it starts a new event")
	})

	t.Run("NeverBelowOne", func(t *testing.T) {
		t.Parallel()

		b := setup(t, 3)
		for range 5 {
			fill(t, b)
			answer(t, b, rateLimited(0))
			for len(b.running) > 0 {
				answer(t, b, nil)
			}
		}
		require.Equal(t, 1, b.limiter.Limit())
	})

	t.Run("RecoversFastThenProbes", func(t *testing.T) {
		t.Parallel()

		b := setup(t, 8)
		fill(t, b)
		answer(t, b, rateLimited(0)) // failed at 8 slots: down to 4
		for len(b.running) > 0 {
			answer(t, b, nil) // admitted before the 429, running over the new limit: not busy
		}
		require.Equal(t, 4, b.limiter.Limit())
		// One slot per window of successes: 4 to 7 in about 4+5+6 successes.
		succeedBusy(t, b, 16)
		require.Equal(t, 7, b.limiter.Limit())
		// Within a slot of the level that failed: 1/32 slot per window,
		// 7·32 = 224 successes for the next slot.
		succeedBusy(t, b, 200)
		require.Equal(t, 7, b.limiter.Limit())
		succeedBusy(t, b, 40)
		require.Equal(t, 8, b.limiter.Limit())
		succeedBusy(t, b, 500)
		require.Equal(t, 8, b.limiter.Limit(), "never above MaxConcurrent")
	})

	t.Run("NoIncreaseWhenIdle", func(t *testing.T) {
		t.Parallel()

		b := setup(t, 4)
		fill(t, b)
		answer(t, b, rateLimited(0))
		for len(b.running) > 0 {
			answer(t, b, nil)
		}
		require.Equal(t, 2, b.limiter.Limit())
		for range 50 {
			admitted(t, b, start(b)) // one call at a time: a slot stays free
			answer(t, b, nil)
		}
		require.Equal(t, 2, b.limiter.Limit(), "an unused limit is not raised")
	})

	t.Run("PausesForRetryAfter", func(t *testing.T) {
		t.Parallel()

		b := setup(t, 4)
		fill(t, b)
		answer(t, b, rateLimited(2*time.Second))
		require.Equal(t, b.clock.Now().Add(2*time.Second), b.limiter.PausedUntil())
		for len(b.running) > 0 {
			answer(t, b, nil)
		}
		first, second := start(b), start(b)
		select {
		case <-b.stub.calls:
			t.Fatal("a call started during the pause")
		case <-time.After(50 * time.Millisecond):
		}
		b.clock.Advance(time.Second)
		select {
		case <-b.stub.calls:
			t.Fatal("a call started during the pause")
		case <-time.After(50 * time.Millisecond):
		}
		b.clock.Advance(time.Second)
		admitted(t, b, first)
		admitted(t, b, second)
		require.Equal(t, 2, b.limiter.InFlight(), "both waiting calls start once the pause is over")
		answer(t, b, nil)
		answer(t, b, nil)
	})

	t.Run("LaterRetryAfterExtendsThePause", func(t *testing.T) {
		t.Parallel()

		b := setup(t, 4)
		fill(t, b)
		answer(t, b, rateLimited(time.Second))
		answer(t, b, rateLimited(3*time.Second))
		answer(t, b, rateLimited(2*time.Second))
		require.Equal(t, b.clock.Now().Add(3*time.Second), b.limiter.PausedUntil(), "the latest end wins")
		answer(t, b, nil)
		waiting := start(b)
		b.clock.Advance(time.Second)
		select {
		case <-b.stub.calls:
			t.Fatal("a call started before the longest pause ended")
		case <-time.After(50 * time.Millisecond):
		}
		b.clock.Advance(2 * time.Second)
		admitted(t, b, waiting)
		answer(t, b, nil)
	})

	t.Run("WaitersInArrivalOrder", func(t *testing.T) {
		t.Parallel()

		b := setup(t, 1)
		fill(t, b)
		var order []chan error
		for range 5 {
			r := start(b)
			order = append(order, r)
			require.Eventually(t, func() bool { return true }, time.Millisecond, time.Millisecond)
			time.Sleep(5 * time.Millisecond) // let it queue before the next
		}
		answer(t, b, nil)
		for _, r := range order {
			admitted(t, b, r)
			require.Equal(t, r, b.running[0].result, "first come, first served")
			answer(t, b, nil)
		}
	})
}
