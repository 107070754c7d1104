package embed

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/triage-oss/triage/internal/llm"
)

// exchange records what the transport saw of the HTTP exchange behind one
// call. Neither go-openai nor Ollama's api package returns response headers
// with an error, so the Retry-After of a 429 is read below them, in the
// http.RoundTripper (as internal/llm does for chat).
type exchange struct {
	mu         sync.Mutex
	sent       bool          // a request reached the transport
	status     int           // last HTTP status received, 0 when none
	retryAfter time.Duration // from the last response, 0 when absent
}

type exchangeKey struct{}

// withExchange returns a context carrying a fresh exchange slot, which the
// transport installed by instrument fills.
func withExchange(ctx context.Context) (context.Context, *exchange) {
	x := &exchange{}
	return context.WithValue(ctx, exchangeKey{}, x), x
}

func (x *exchange) record(sent bool, status int, retryAfter time.Duration) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.sent = x.sent || sent
	if status != 0 {
		x.status, x.retryAfter = status, retryAfter
	}
}

func (x *exchange) snapshot() (sent bool, status int, retryAfter time.Duration) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.sent, x.status, x.retryAfter
}

// recordingTransport fills the exchange slot found in a request's context.
type recordingTransport struct {
	base http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	x, _ := req.Context().Value(exchangeKey{}).(*exchange)
	if x != nil {
		x.record(true, 0, 0)
	}
	resp, err := t.base.RoundTrip(req)
	if x != nil && err == nil {
		x.record(true, resp.StatusCode, parseRetryAfter(resp.Header, time.Now()))
	}
	return resp, err
}

// instrument returns a copy of c (a new client when nil) whose transport
// records every exchange. The caller's client is left unchanged.
func instrument(c *http.Client) *http.Client {
	var clone http.Client
	if c != nil {
		clone = *c
	}
	base := clone.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	clone.Transport = &recordingTransport{base: base}
	return &clone
}

// parseRetryAfter reads how long a response asks the client to wait:
// Retry-After-Ms (Azure OpenAI) first, then Retry-After as seconds or an
// HTTP date. It returns 0 when neither is present, valid and in the future,
// and caps the wait at llm.MaxRetryAfter.
func parseRetryAfter(h http.Header, now time.Time) time.Duration {
	if ms, err := strconv.ParseFloat(strings.TrimSpace(h.Get("Retry-After-Ms")), 64); err == nil && ms > 0 {
		return capRetryAfter(ms * float64(time.Millisecond))
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		return capRetryAfter(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		return capRetryAfter(float64(t.Sub(now)))
	}
	return 0
}

func capRetryAfter(d float64) time.Duration {
	switch {
	case d != d || d <= 0: // NaN or not in the future
		return 0
	case d >= float64(llm.MaxRetryAfter):
		return llm.MaxRetryAfter
	}
	return time.Duration(d)
}
