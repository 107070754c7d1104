package embed

import (
	"context"
	"errors"
	"net"
	"net/http"

	"github.com/triage-oss/triage/internal/llm"
)

// statusKind classifies an HTTP error status as internal/llm does: 429 is
// ErrRateLimited, 408 ErrTimeout, any other 4xx ErrRejected, anything else
// ErrUnavailable.
func statusKind(code int) error {
	switch {
	case code == http.StatusTooManyRequests:
		return llm.ErrRateLimited
	case code == http.StatusRequestTimeout:
		return llm.ErrTimeout
	case code >= 400 && code < 500:
		return llm.ErrRejected
	default:
		return llm.ErrUnavailable
	}
}

// transportKind classifies an error that came without an HTTP error
// status: a done context or a network timeout is ErrTimeout; an error
// raised before any request was sent, ErrRejected (the request could not
// be built); anything else (connection refused or reset, an answer that
// could not be read) ErrUnavailable.
func transportKind(ctx context.Context, err error, sent bool) error {
	var ne net.Error
	switch {
	case ctx.Err() != nil, errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return llm.ErrTimeout
	case errors.As(err, &ne) && ne.Timeout():
		return llm.ErrTimeout
	case !sent:
		return llm.ErrRejected
	default:
		return llm.ErrUnavailable
	}
}

// newError builds the *llm.Error of a failed call, with the status and
// Retry-After the transport recorded in x (nil when nothing was sent).
func newError(backend, model string, x *exchange, kind, err error) *llm.Error {
	e := &llm.Error{Backend: backend, Model: model, Kind: kind, Err: err}
	if x != nil {
		_, e.StatusCode, e.RetryAfter = x.snapshot()
	}
	return e
}
