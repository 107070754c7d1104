package llm_test

import (
	"context"
	"errors"
	"fmt"
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

// heldCall is a call the backend holds: text names it.
type heldCall struct {
	text   string
	answer chan error
}

func (h heldCompleter) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	c := heldCall{text: req.Messages[len(req.Messages)-1].Content, answer: make(chan error)}
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

// TestLimiterAdapts drives the limiter call by call against a backend that
// answers only when told, on a fake clock.
func TestLimiterAdapts(t *testing.T) {
	t.Parallel()

	type testBundle struct {
		limiter *llm.Limiter
		clock   *fakeClock
		stub    heldCompleter
		calls   int
		results map[string]chan error // per call started
		running []heldCall            // admitted and held, oldest first
	}
	setup := func(t *testing.T, maxConcurrent int) *testBundle {
		t.Helper()
		b := &testBundle{
			clock:   &fakeClock{now: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)},
			stub:    heldCompleter{calls: make(chan heldCall)},
			results: map[string]chan error{},
		}
		var err error
		b.limiter, err = llm.NewLimiter(b.stub, llm.LimitConfig{MaxConcurrent: maxConcurrent, Timeout: -1, Clock: b.clock})
		require.NoError(t, err)
		return b
	}
	// start makes a call and returns its name.
	start := func(b *testBundle) string {
		b.calls++
		name := fmt.Sprintf("call %d", b.calls)
		result := make(chan error, 1)
		b.results[name] = result
		go func() {
			_, err := b.limiter.Complete(context.Background(), classifyRequest(name))
			result <- err
		}()
		return name
	}
	// admitted waits for the next call to reach the backend and returns
	// its name.
	admitted := func(t *testing.T, b *testBundle) string {
		t.Helper()
		select {
		case h := <-b.stub.calls:
			b.running = append(b.running, h)
			return h.text
		case <-time.After(5 * time.Second):
			t.Fatal("no call reached the backend")
			return ""
		}
	}
	// notAdmitted checks that no call reaches the backend for a while.
	notAdmitted := func(t *testing.T, b *testBundle) {
		t.Helper()
		select {
		case h := <-b.stub.calls:
			t.Fatalf("%s reached the backend", h.text)
		case <-time.After(50 * time.Millisecond):
		}
	}
	// fill starts calls until every slot is busy.
	fill := func(t *testing.T, b *testBundle) {
		t.Helper()
		for len(b.running) < b.limiter.Limit() {
			start(b)
			admitted(t, b)
		}
	}
	// answer returns err from the oldest running call and waits until its
	// slot is released.
	answer := func(t *testing.T, b *testBundle, err error) {
		t.Helper()
		c := b.running[0]
		b.running = b.running[1:]
		c.answer <- err
		require.ErrorIs(t, <-b.results[c.text], err)
	}
	drain := func(t *testing.T, b *testBundle) {
		t.Helper()
		for len(b.running) > 0 {
			answer(t, b, nil)
		}
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
		drain(t, b)
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
		drain(t, b)
	})

	t.Run("NeverBelowOne", func(t *testing.T) {
		t.Parallel()

		b := setup(t, 3)
		for range 5 {
			fill(t, b)
			answer(t, b, rateLimited(0))
			drain(t, b)
		}
		require.Equal(t, 1, b.limiter.Limit())
	})

	t.Run("RecoversFastThenProbes", func(t *testing.T) {
		t.Parallel()

		b := setup(t, 8)
		fill(t, b)
		answer(t, b, rateLimited(0)) // failed at 8 slots: down to 4
		drain(t, b)                  // admitted before the 429, over the new limit: not busy
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
		succeedBusy(t, b, 300)
		require.Equal(t, 8, b.limiter.Limit(), "never above MaxConcurrent")
		drain(t, b)
	})

	t.Run("ProbesHalfAsOftenWhenTheSameLevelFailsAgain", func(t *testing.T) {
		t.Parallel()

		// successesToReach counts busy successes until the limit reaches
		// slots.
		successesToReach := func(b *testBundle, slots int) int {
			n := 0
			for b.limiter.Limit() < slots {
				succeedBusy(t, b, 1)
				n++
			}
			return n
		}
		failAt := func(b *testBundle, slots int) {
			require.Equal(t, slots, b.limiter.Limit())
			fill(t, b)
			answer(t, b, rateLimited(0))
			drain(t, b)
		}
		b := setup(t, 4)
		failAt(b, 4) // down to 2; 3 fast, then probing 4
		first := successesToReach(b, 4)
		failAt(b, 4)
		second := successesToReach(b, 4)
		failAt(b, 4)
		third := successesToReach(b, 4)
		require.InDelta(t, 2*first, second, float64(first)/4, "the same level failing again: probed half as often")
		require.InDelta(t, 2*second, third, float64(second)/4)
		for range 6 {
			failAt(b, 4)
			successesToReach(b, 4)
		}
		failAt(b, 4)
		require.InDelta(t, 16*first, successesToReach(b, 4), float64(first), "at most 16 times rarer")
		drain(t, b)
	})

	t.Run("NoIncreaseWhenIdle", func(t *testing.T) {
		t.Parallel()

		b := setup(t, 4)
		fill(t, b)
		answer(t, b, rateLimited(0))
		drain(t, b)
		require.Equal(t, 2, b.limiter.Limit())
		for range 50 {
			start(b) // one call at a time: a slot stays free
			admitted(t, b)
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
		drain(t, b)
		start(b)
		start(b)
		require.Eventually(t, func() bool { return b.limiter.Waiting() == 2 }, 5*time.Second, time.Millisecond)
		notAdmitted(t, b)
		b.clock.Advance(time.Second)
		notAdmitted(t, b)
		b.clock.Advance(time.Second)
		admitted(t, b)
		admitted(t, b)
		require.Equal(t, 2, b.limiter.InFlight(), "both waiting calls start once the pause is over")
		drain(t, b)
	})

	t.Run("LaterRetryAfterExtendsThePause", func(t *testing.T) {
		t.Parallel()

		b := setup(t, 4)
		fill(t, b)
		answer(t, b, rateLimited(time.Second))
		answer(t, b, rateLimited(3*time.Second))
		answer(t, b, rateLimited(2*time.Second))
		require.Equal(t, b.clock.Now().Add(3*time.Second), b.limiter.PausedUntil(), "the latest end wins")
		drain(t, b)
		start(b)
		b.clock.Advance(time.Second)
		notAdmitted(t, b)
		b.clock.Advance(2 * time.Second)
		admitted(t, b)
		drain(t, b)
	})

	t.Run("PausePastTheDeadlineFailsAtOnce", func(t *testing.T) {
		t.Parallel()

		b := setup(t, 2)
		fill(t, b)
		answer(t, b, rateLimited(time.Hour))
		drain(t, b)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_, err := b.limiter.Complete(ctx, classifyRequest("in a hurry"))
		e := requireKind(t, err, llm.ErrRateLimited)
		wait, ok := llm.RetryAfter(err)
		require.True(t, ok)
		require.Equal(t, time.Hour, wait, "come back when the pause is over")
		require.Contains(t, e.Error(), "past this call's deadline")
		require.Zero(t, b.limiter.Waiting(), "nothing left in the queue")

		// A call without a deadline waits for the pause to end.
		b.clock.Advance(59*time.Minute + 30*time.Second)
		start(b)
		require.Eventually(t, func() bool { return b.limiter.Waiting() == 1 }, 5*time.Second, time.Millisecond)
		b.clock.Advance(30 * time.Second)
		admitted(t, b)
		drain(t, b)
	})

	t.Run("PauseSendsAwayWaitersItWouldMakeLate", func(t *testing.T) {
		t.Parallel()

		b := setup(t, 1)
		fill(t, b)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		late := make(chan error, 1)
		go func() {
			_, err := b.limiter.Complete(ctx, classifyRequest("waiting with a deadline"))
			late <- err
		}()
		require.Eventually(t, func() bool { return b.limiter.Waiting() == 1 }, 5*time.Second, time.Millisecond)
		patient := start(b) // no deadline: keeps waiting
		require.Eventually(t, func() bool { return b.limiter.Waiting() == 2 }, 5*time.Second, time.Millisecond)
		answer(t, b, rateLimited(time.Hour))
		requireKind(t, <-late, llm.ErrRateLimited)
		require.Equal(t, 1, b.limiter.Waiting())
		b.clock.Advance(time.Hour)
		require.Equal(t, patient, admitted(t, b))
		drain(t, b)
	})

	t.Run("WaitersInArrivalOrder", func(t *testing.T) {
		t.Parallel()

		b := setup(t, 1)
		fill(t, b)
		var order []string
		for i := range 5 {
			order = append(order, start(b))
			require.Eventually(t, func() bool { return b.limiter.Waiting() == i+1 }, 5*time.Second, time.Millisecond)
		}
		for _, name := range order {
			answer(t, b, nil)
			require.Equal(t, name, admitted(t, b), "first come, first served")
		}
		drain(t, b)
	})

	t.Run("CancelledWaiterLeavesTheQueue", func(t *testing.T) {
		t.Parallel()

		b := setup(t, 1)
		fill(t, b)
		ctx, cancel := context.WithCancel(context.Background())
		gaveUp := make(chan error, 1)
		go func() {
			_, err := b.limiter.Complete(ctx, classifyRequest("impatient"))
			gaveUp <- err
		}()
		require.Eventually(t, func() bool { return b.limiter.Waiting() == 1 }, 5*time.Second, time.Millisecond)
		next := start(b)
		cancel()
		requireKind(t, <-gaveUp, llm.ErrTimeout)
		answer(t, b, nil)
		require.Equal(t, next, admitted(t, b), "the slot goes to the next waiter")
		drain(t, b)
		require.Zero(t, b.limiter.Waiting())
	})
}

// TestLimiterFindsTheRateLimit runs callers that retry every 429 after its
// Retry-After (as the triage worker's snooze does) against a fake provider
// allowing 60 calls a second at 50 ms each, so that 3 calls in flight use
// the whole limit: the limiter comes down from 12 slots within the first
// second, after which 429s are rare.
func TestLimiterFindsTheRateLimit(t *testing.T) {
	t.Parallel()

	srv := llmtest.NewOpenAI(t, llmtest.RateLimit(3600, 5, llmtest.Slow(50*time.Millisecond, llmtest.Classifier())))
	limiter, err := llm.NewLimiter(backends[0].client(t, srv), llm.LimitConfig{MaxConcurrent: 12, Timeout: 5 * time.Second})
	require.NoError(t, err)

	type outcome struct {
		at      time.Duration
		limited bool
	}
	var mu sync.Mutex
	var outcomes []outcome
	start := time.Now()
	const run, settle = 3 * time.Second, time.Second
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for time.Since(start) < run {
				_, err := limiter.Complete(context.Background(), classifyRequest("my invoice is wrong"))
				mu.Lock()
				outcomes = append(outcomes, outcome{at: time.Since(start), limited: errors.Is(err, llm.ErrRateLimited)})
				mu.Unlock()
				if wait, ok := llm.RetryAfter(err); ok {
					time.Sleep(wait)
				} else if err != nil && !errors.Is(err, llm.ErrRateLimited) {
					t.Errorf("call: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()

	var early, late, lateCalls int
	for _, o := range outcomes {
		switch {
		case o.at < settle && o.limited:
			early++
		case o.at >= settle:
			lateCalls++
			if o.limited {
				late++
			}
		}
	}
	t.Logf("%d calls: %d answered 429 in the first %s, %d of %d after; limit now %d", len(outcomes), early, settle, late, lateCalls, limiter.Limit())
	require.Positive(t, early, "12 slots at 50 ms overrun 60 calls a second")
	require.LessOrEqual(t, late, max(2, lateCalls*3/100), "after adapting, at most 3% of calls answered 429")
	require.Less(t, late, early)
	require.LessOrEqual(t, srv.MaxInFlight(), 12)
	require.LessOrEqual(t, limiter.Limit(), 5, "the limit settled near the 3 calls in flight the provider allows")
}
