package llm

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/ollama/ollama/api"
	openai "github.com/sashabaranov/go-openai"
	"github.com/stretchr/testify/require"
)

// timeoutErr is a net.Error that timed out.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

var _ net.Error = timeoutErr{}

func TestExchangeKind(t *testing.T) {
	t.Parallel()

	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name     string
		ctx      context.Context
		sent     bool
		err      error
		wantKind error
	}{
		{"OpenAI429", nil, true, &openai.APIError{HTTPStatusCode: 429}, ErrRateLimited},
		{"OpenAI408", nil, true, &openai.APIError{HTTPStatusCode: 408}, ErrTimeout},
		{"OpenAI401", nil, true, &openai.APIError{HTTPStatusCode: 401}, ErrRejected},
		{"OpenAI500", nil, true, &openai.APIError{HTTPStatusCode: 500}, ErrUnavailable},
		{"OpenAIRequestError502", nil, true, fmt.Errorf("wrapped: %w", &openai.RequestError{HTTPStatusCode: 502}), ErrUnavailable},
		{"OpenAIRequestError404", nil, true, &openai.RequestError{HTTPStatusCode: 404}, ErrRejected},
		{"OllamaStatus503", nil, true, api.StatusError{StatusCode: 503}, ErrUnavailable},
		{"OllamaStatus404", nil, true, api.StatusError{StatusCode: 404}, ErrRejected},
		{"OllamaStatus429", nil, true, api.StatusError{StatusCode: 429}, ErrRateLimited},
		{"OllamaAuth401", nil, true, api.AuthorizationError{StatusCode: 401}, ErrRejected},
		{"StatusWinsOverDoneContext", canceled, true, &openai.APIError{HTTPStatusCode: 429}, ErrRateLimited},
		{"StatusZeroIsTransport", nil, true, &openai.APIError{}, ErrUnavailable},
		{"ContextDone", canceled, true, errors.New("boom"), ErrTimeout},
		{"DeadlineExceeded", nil, true, fmt.Errorf("post: %w", context.DeadlineExceeded), ErrTimeout},
		{"Canceled", nil, false, context.Canceled, ErrTimeout},
		{"NetTimeout", nil, true, fmt.Errorf("read: %w", timeoutErr{}), ErrTimeout},
		{"NotSent", nil, false, errors.New("bad URL"), ErrRejected},
		{"ConnectionRefused", nil, true, errors.New("connection refused"), ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			ctx := tt.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			_, x := WithExchange(ctx)
			if tt.sent {
				x.markSent()
			}
			require.Equal(t, tt.wantKind, x.Kind(ctx, tt.err))
		})
	}
}
