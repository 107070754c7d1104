package llm

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()

	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		headers map[string]string
		want    time.Duration
	}{
		{"Absent", nil, 0},
		{"Seconds", map[string]string{"Retry-After": "2"}, 2 * time.Second},
		{"FractionalSeconds", map[string]string{"Retry-After": " 1.5 "}, 1500 * time.Millisecond},
		{"Zero", map[string]string{"Retry-After": "0"}, 0},
		{"Negative", map[string]string{"Retry-After": "-3"}, 0},
		{"Garbage", map[string]string{"Retry-After": "soon"}, 0},
		{"NaN", map[string]string{"Retry-After": "NaN"}, 0},
		{"Huge", map[string]string{"Retry-After": "1e30"}, MaxRetryAfter},
		{"FutureDate", map[string]string{"Retry-After": now.Add(90 * time.Second).Format(http.TimeFormat)}, 90 * time.Second},
		{"PastDate", map[string]string{"Retry-After": now.Add(-time.Minute).Format(http.TimeFormat)}, 0},
		{"Milliseconds", map[string]string{"Retry-After-Ms": "250", "Retry-After": "1"}, 250 * time.Millisecond},
		{"BadMillisecondsFallBack", map[string]string{"Retry-After-Ms": "x", "Retry-After": "1"}, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			h := http.Header{}
			for k, v := range tt.headers {
				h.Set(k, v)
			}
			require.Equal(t, tt.want, parseRetryAfter(h, now))
		})
	}
}

// roundTripFunc adapts a function to http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestRecordingTransport(t *testing.T) {
	t.Parallel()

	answer := roundTripFunc(func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"4"}}, Body: http.NoBody}, nil
	})
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

			client := instrument(&http.Client{Transport: answer})
			ctx, x := withExchange(context.Background())
			if !tt.withSlot {
				ctx = context.Background()
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://model.invalid/", nil)
			require.NoError(t, err)
			resp, err := client.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			sent, status, retry := x.snapshot()
			require.Equal(t, tt.wantSent, sent)
			require.Equal(t, tt.wantStatus, status)
			require.Equal(t, tt.wantRetry, retry)
		})
	}
}
