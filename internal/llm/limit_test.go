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
		})
	}
	require.Equal(t, llm.LimitConfig{MaxConcurrent: llm.DefaultMaxConcurrent, Timeout: llm.DefaultTimeout}, llm.LimitConfig{}.WithDefaults())
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
