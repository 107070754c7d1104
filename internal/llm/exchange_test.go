package llm

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// roundTripFunc adapts a function to http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// answer429 answers every request 429 with Retry-After: 4.
var answer429 = roundTripFunc(func(*http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"4"}}, Body: http.NoBody}, nil
})

// do sends a GET with ctx through client.
func do(t *testing.T, ctx context.Context, client *http.Client) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://model.invalid/", nil)
	require.NoError(t, err)
	resp, err := client.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
}

func TestInstrumentClient(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name       string
		withSlot   bool
		wantSent   bool
		wantStatus int
		wantRetry  time.Duration
	}{
		{"WithSlot", true, true, http.StatusTooManyRequests, 4 * time.Second},
		{"WithoutSlot", false, false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			client := InstrumentClient(&http.Client{Transport: answer429})
			ctx, x := WithExchange(context.Background())
			if !tt.withSlot {
				ctx = context.Background()
			}
			do(t, ctx, client)
			sent, status, retry := x.snapshot()
			require.Equal(t, tt.wantSent, sent)
			require.Equal(t, tt.wantStatus, status)
			require.Equal(t, tt.wantRetry, retry)
		})
	}

	t.Run("LeavesCallerClientUnchanged", func(t *testing.T) {
		t.Parallel()

		orig := &http.Client{Transport: answer429, Timeout: time.Minute}
		client := InstrumentClient(orig)
		require.IsType(t, roundTripFunc(nil), orig.Transport)
		require.Equal(t, time.Minute, client.Timeout)
		require.IsType(t, &recordingTransport{}, client.Transport)
	})

	t.Run("NilClient", func(t *testing.T) {
		t.Parallel()

		client := InstrumentClient(nil)
		require.Equal(t, http.DefaultTransport, client.Transport.(*recordingTransport).base)
	})

	t.Run("TransportError", func(t *testing.T) {
		t.Parallel()

		refused := roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("connection refused") })
		ctx, x := WithExchange(context.Background())
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://model.invalid/", nil)
		require.NoError(t, err)
		_, err = InstrumentClient(&http.Client{Transport: refused}).Do(req)
		require.Error(t, err)
		sent, status, _ := x.snapshot()
		require.True(t, sent)
		require.Zero(t, status)
	})
}

func TestExchangeError(t *testing.T) {
	t.Parallel()

	t.Run("Recorded", func(t *testing.T) {
		t.Parallel()

		ctx, x := WithExchange(context.Background())
		do(t, ctx, InstrumentClient(&http.Client{Transport: answer429}))
		cause := errors.New("boom")
		e := x.Error(BackendOpenAI, "m", ErrRateLimited, cause)
		require.Equal(t, &Error{Backend: BackendOpenAI, Model: "m", Kind: ErrRateLimited,
			StatusCode: http.StatusTooManyRequests, RetryAfter: 4 * time.Second, Err: cause}, e)
	})

	t.Run("NothingSent", func(t *testing.T) {
		t.Parallel()

		_, x := WithExchange(context.Background())
		e := x.Error(BackendOllama, "m", ErrRejected, nil)
		require.Zero(t, e.StatusCode)
		require.Zero(t, e.RetryAfter)
	})
}
