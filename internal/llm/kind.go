package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"

	"github.com/ollama/ollama/api"
	openai "github.com/sashabaranov/go-openai"
)

// Kind classifies err, returned by a call made with x's context ctx, as
// one of the sentinel errors.
//
// An error status decoded by go-openai (*openai.APIError,
// *openai.RequestError) or Ollama's api package (api.StatusError,
// api.AuthorizationError) is classified by its status: 429 is
// ErrRateLimited, 408 ErrTimeout, any other 4xx ErrRejected, anything else
// (5xx, or a status no API should answer with) ErrUnavailable.
//
// Any other error is classified by what happened: a done ctx or a network
// timeout is ErrTimeout (a canceled ctx included: the call did not complete
// in the time it was given); an error raised before any request was sent
// means the request could not even be built, ErrRejected; anything else
// (connection refused or reset, an answer that could not be read) is
// ErrUnavailable.
func (x *Exchange) Kind(ctx context.Context, err error) error {
	if code := statusOf(err); code != 0 {
		return statusKind(code)
	}
	sent, _, _ := x.snapshot()
	return transportKind(ctx, err, sent)
}

// statusOf returns the HTTP error status an SDK decoded into err, 0 when
// there is none.
func statusOf(err error) int {
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	var statusErr api.StatusError
	var authErr api.AuthorizationError
	switch {
	case errors.As(err, &apiErr) && apiErr.HTTPStatusCode != 0:
		return apiErr.HTTPStatusCode
	case errors.As(err, &reqErr) && reqErr.HTTPStatusCode != 0:
		return reqErr.HTTPStatusCode
	case errors.As(err, &statusErr) && statusErr.StatusCode != 0:
		return statusErr.StatusCode
	case errors.As(err, &authErr) && authErr.StatusCode != 0:
		return authErr.StatusCode
	}
	return 0
}

// statusKind classifies an HTTP error status, as Kind says.
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

// transportKind classifies an error that came without an HTTP error
// status, as Kind says.
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
