package llm

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// Exchange records what the transport saw of the HTTP exchange behind one
// backend call: whether a request was sent, the last status received and
// its Retry-After. Neither go-openai nor Ollama's api package returns
// response headers with an error, so they can only be read below them, in
// an http.RoundTripper: the one InstrumentClient installs.
//
// A backend call (chat here, embeddings in internal/embed) goes:
//
//	ctx, x := llm.WithExchange(ctx)
//	resp, err := sdk.Call(ctx, ...) // through a client from InstrumentClient
//	if err != nil {
//		return x.Error(backend, model, x.Kind(ctx, err), fmt.Errorf("call: %w", err))
//	}
//
// An Exchange is safe for concurrent use.
type Exchange struct {
	mu         sync.Mutex
	sent       bool          // a request reached the transport
	status     int           // last HTTP status received, 0 when none
	retryAfter time.Duration // from the last response, 0 when absent
}

type exchangeKey struct{}

// WithExchange returns a context carrying a fresh Exchange, which a client
// from InstrumentClient fills for every request sent with that context.
// Use one per call: a call of several requests (retries, redirects) keeps
// the last status received.
func WithExchange(ctx context.Context) (context.Context, *Exchange) {
	x := &Exchange{}
	return context.WithValue(ctx, exchangeKey{}, x), x
}

// Error returns the *Error of a failed call, of the given kind (one of
// the sentinel errors) and cause, with the HTTP status and Retry-After
// recorded so far. A call that failed before any request was made has no
// Exchange: build its &Error{} directly.
func (x *Exchange) Error(backend, model string, kind, err error) *Error {
	_, status, retryAfter := x.snapshot()
	return &Error{Backend: backend, Model: model, Kind: kind, StatusCode: status, RetryAfter: retryAfter, Err: err}
}

func (x *Exchange) markSent() {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.sent = true
}

func (x *Exchange) record(status int, retryAfter time.Duration) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.status, x.retryAfter = status, retryAfter
}

// snapshot returns what was recorded.
func (x *Exchange) snapshot() (sent bool, status int, retryAfter time.Duration) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.sent, x.status, x.retryAfter
}

// InstrumentClient returns a copy of c (a new client when c is nil) whose
// transport fills the Exchange found in each request's context; requests
// without one pass through untouched. c itself is left unchanged, and a
// nil c.Transport means http.DefaultTransport.
func InstrumentClient(c *http.Client) *http.Client {
	var clone http.Client
	if c != nil {
		clone = *c
	}
	base := clone.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	clone.Transport = &recordingTransport{base: base, now: time.Now}
	return &clone
}

// recordingTransport fills the Exchange found in a request's context.
type recordingTransport struct {
	base http.RoundTripper
	now  func() time.Time
}

// RoundTrip implements http.RoundTripper.
func (t *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	x, _ := req.Context().Value(exchangeKey{}).(*Exchange)
	if x != nil {
		x.markSent()
	}
	resp, err := t.base.RoundTrip(req)
	if x != nil && err == nil {
		x.record(resp.StatusCode, parseRetryAfter(resp.Header, t.now()))
	}
	return resp, err
}
