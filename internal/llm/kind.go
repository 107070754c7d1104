package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
)

// statusKind classifies an HTTP error status: 429 is ErrRateLimited, 408
// ErrTimeout, any other 4xx ErrRejected, anything else (5xx, or a status no
// API should answer with) ErrUnavailable.
func statusKind(code int) error {
	switch {
	case code == http.StatusTooManyRequests:
		return ErrRateLimited
	case code == http.StatusRequestTimeout:
		return ErrTimeout
	case code >= 400 && code < 500:
		return ErrRejected
	default:
		return ErrUnavailable
	}
}

// transportKind classifies an error that came without an HTTP error status.
// A done context or a network timeout is ErrTimeout (a canceled context
// included: the call did not complete in the time it was given); an error
// raised before any request was sent means the request could not even be
// built, ErrRejected; anything else (connection refused or reset, an answer
// that could not be read) is ErrUnavailable.
func transportKind(ctx context.Context, err error, sent bool) error {
	var ne net.Error
	switch {
	case ctx.Err() != nil, errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return ErrTimeout
	case errors.As(err, &ne) && ne.Timeout():
		return ErrTimeout
	case !sent:
		return ErrRejected
	default:
		return ErrUnavailable
	}
}

// newError builds the *Error of a failed call, with the status and
// Retry-After the transport recorded in x (nil when nothing was sent).
func newError(backend, model string, x *exchange, kind, err error) *Error {
	e := &Error{Backend: backend, Model: model, Kind: kind, Err: err}
	if x != nil {
		_, e.StatusCode, e.RetryAfter = x.snapshot()
	}
	return e
}

// checkRequest rejects a request no backend could serve.
func checkRequest(req Request) error {
	switch {
	case len(req.Messages) == 0:
		return errors.New("request has no messages")
	case len(req.Schema) == 0:
		return errors.New("request has no schema")
	case !isJSONObject(req.Schema):
		return errors.New("request schema is not a JSON object")
	}
	return nil
}

func isJSONObject(b []byte) bool {
	return json.Valid(b) && bytes.HasPrefix(bytes.TrimSpace(b), []byte("{"))
}
