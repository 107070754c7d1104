package llm_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/llm/llmtest"
	"github.com/triage-oss/triage/internal/taxonomy"
)

// backend builds a fake server and a client of it for one wire format.
type backend struct {
	name   string
	serve  func(testing.TB, llmtest.Handler) *llmtest.Server
	client func(t *testing.T, srv *llmtest.Server) llm.Completer
}

var backends = []backend{
	{llm.BackendOpenAI, llmtest.NewOpenAI, func(t *testing.T, srv *llmtest.Server) llm.Completer {
		c, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: srv.BaseURL(), APIKey: "sk-test", Model: "gpt-4o-mini"})
		require.NoError(t, err)
		return c
	}},
	{llm.BackendOllama, llmtest.NewOllama, func(t *testing.T, srv *llmtest.Server) llm.Completer {
		c, err := llm.NewOllama(llm.OllamaConfig{Host: srv.BaseURL(), Model: "qwen2.5:7b"})
		require.NoError(t, err)
		return c
	}},
}

// classifyRequest asks for the classification of text.
func classifyRequest(text string) llm.Request {
	return llm.Request{
		Messages: []llm.Message{
			{Role: llm.RoleSystem, Content: "Classify the item for a community team."},
			{Role: llm.RoleUser, Content: text},
		},
		SchemaName:  taxonomy.SchemaName,
		Schema:      taxonomy.Default().SchemaJSON(),
		Temperature: 0,
		MaxTokens:   400,
	}
}

// requireKind checks that err matches kind and no other sentinel.
func requireKind(t *testing.T, err, kind error) *llm.Error {
	t.Helper()
	var e *llm.Error
	require.ErrorAs(t, err, &e)
	for _, k := range []error{llm.ErrRateLimited, llm.ErrTimeout, llm.ErrUnavailable, llm.ErrRejected} {
		require.Equal(t, k == kind, errors.Is(err, k), "kind %v of %v", k, err)
	}
	return e
}

func TestComplete(t *testing.T) {
	t.Parallel()

	classification, err := json.Marshal(llmtest.Classify("refund please"))
	require.NoError(t, err)
	// The date is taken when the request arrives: a parallel subtest may
	// start seconds after this function.
	retryIn30s := func(ctx context.Context, c llmtest.Call) llmtest.Reply {
		return llmtest.RateLimited(time.Now().Add(30*time.Second).UTC().Format(http.TimeFormat))(ctx, c)
	}

	tests := []struct {
		name    string
		handler llmtest.Handler
		edit    func(*llm.Request)
		timeout time.Duration
		check   func(t *testing.T, resp llm.Response, err error, srv *llmtest.Server)
	}{
		{name: "Success", handler: llmtest.Always(llmtest.Reply{Content: string(classification), PromptTokens: 120, CompletionTokens: 45}),
			check: func(t *testing.T, resp llm.Response, err error, srv *llmtest.Server) {
				require.NoError(t, err)
				require.Equal(t, string(classification), resp.Content)
				require.Equal(t, 120, resp.PromptTokens)
				require.Equal(t, 45, resp.CompletionTokens)
				require.Positive(t, resp.Latency)
				require.NotEmpty(t, resp.Model)
				require.Equal(t, 1, srv.Status(http.StatusOK))
			}},
		{name: "Classifier", handler: llmtest.Classifier(), edit: func(r *llm.Request) { r.Messages[1].Content = "Scam alert: crypto giveaway" },
			check: func(t *testing.T, resp llm.Response, err error, _ *llmtest.Server) {
				require.NoError(t, err)
				c, err := taxonomy.Default().Parse([]byte(resp.Content))
				require.NoError(t, err)
				require.Equal(t, llmtest.Classify("Scam alert: crypto giveaway"), c)
				require.Equal(t, taxonomy.RiskScam, c.Risk)
			}},
		{name: "RateLimitedSeconds", handler: llmtest.RateLimited("2"),
			check: func(t *testing.T, _ llm.Response, err error, _ *llmtest.Server) {
				e := requireKind(t, err, llm.ErrRateLimited)
				require.Equal(t, http.StatusTooManyRequests, e.StatusCode)
				d, ok := llm.RetryAfter(err)
				require.True(t, ok)
				require.Equal(t, 2*time.Second, d)
				require.True(t, llm.Temporary(err))
			}},
		{name: "RateLimitedDate", handler: retryIn30s,
			check: func(t *testing.T, _ llm.Response, err error, _ *llmtest.Server) {
				requireKind(t, err, llm.ErrRateLimited)
				d, ok := llm.RetryAfter(err)
				require.True(t, ok)
				require.InDelta(t, 30*time.Second, d, float64(3*time.Second))
			}},
		{name: "RateLimitedWithoutRetryAfter", handler: llmtest.RateLimited(""),
			check: func(t *testing.T, _ llm.Response, err error, _ *llmtest.Server) {
				requireKind(t, err, llm.ErrRateLimited)
				_, ok := llm.RetryAfter(err)
				require.False(t, ok)
			}},
		{name: "ServerError", handler: llmtest.ServerError(http.StatusInternalServerError),
			check: func(t *testing.T, _ llm.Response, err error, _ *llmtest.Server) {
				e := requireKind(t, err, llm.ErrUnavailable)
				require.Equal(t, http.StatusInternalServerError, e.StatusCode)
				require.True(t, llm.Temporary(err))
			}},
		{name: "OverloadedWithRetryAfter", handler: llmtest.Always(llmtest.Reply{Status: http.StatusServiceUnavailable, RetryAfter: "7"}),
			check: func(t *testing.T, _ llm.Response, err error, _ *llmtest.Server) {
				requireKind(t, err, llm.ErrUnavailable)
				d, _ := llm.RetryAfter(err)
				require.Equal(t, 7*time.Second, d)
			}},
		{name: "ProxyErrorPage", handler: llmtest.Always(llmtest.Reply{Status: http.StatusBadGateway, Body: "<html>502 Bad Gateway</html>"}),
			check: func(t *testing.T, _ llm.Response, err error, _ *llmtest.Server) {
				e := requireKind(t, err, llm.ErrUnavailable)
				require.Equal(t, http.StatusBadGateway, e.StatusCode)
			}},
		{name: "Unauthorized", handler: llmtest.Always(llmtest.Reply{Status: http.StatusUnauthorized, Error: "Incorrect API key provided"}),
			check: func(t *testing.T, _ llm.Response, err error, _ *llmtest.Server) {
				e := requireKind(t, err, llm.ErrRejected)
				require.Equal(t, http.StatusUnauthorized, e.StatusCode)
				require.False(t, llm.Temporary(err))
			}},
		{name: "UnknownModel", handler: llmtest.Always(llmtest.Reply{Status: http.StatusNotFound, Error: "model not found"}),
			check: func(t *testing.T, _ llm.Response, err error, _ *llmtest.Server) {
				requireKind(t, err, llm.ErrRejected)
			}},
		{name: "RequestTimeoutStatus", handler: llmtest.Always(llmtest.Reply{Status: http.StatusRequestTimeout}),
			check: func(t *testing.T, _ llm.Response, err error, _ *llmtest.Server) {
				requireKind(t, err, llm.ErrTimeout)
			}},
		{name: "Hang", handler: llmtest.Hang(), timeout: 100 * time.Millisecond,
			check: func(t *testing.T, _ llm.Response, err error, srv *llmtest.Server) {
				e := requireKind(t, err, llm.ErrTimeout)
				require.Zero(t, e.StatusCode)
				require.ErrorIs(t, err, context.DeadlineExceeded)
				require.Empty(t, srv.Statuses())
			}},
		{name: "TruncatedBody", handler: llmtest.Always(llmtest.Reply{Content: string(classification), Truncate: true}),
			check: func(t *testing.T, _ llm.Response, err error, _ *llmtest.Server) {
				requireKind(t, err, llm.ErrUnavailable)
			}},
		{name: "NotJSONBody", handler: llmtest.Always(llmtest.Reply{Body: "Service starting..."}),
			check: func(t *testing.T, _ llm.Response, err error, _ *llmtest.Server) {
				requireKind(t, err, llm.ErrUnavailable)
			}},
		{name: "TruncatedContentIsReturned", handler: llmtest.Truncated(),
			check: func(t *testing.T, resp llm.Response, err error, _ *llmtest.Server) {
				require.NoError(t, err)
				require.NotEmpty(t, resp.Content)
				require.False(t, json.Valid([]byte(resp.Content)))
			}},
		{name: "GarbageIsReturnedVerbatim", handler: llmtest.Garbage(),
			check: func(t *testing.T, resp llm.Response, err error, _ *llmtest.Server) {
				require.NoError(t, err)
				require.Equal(t, llmtest.GarbageContent, resp.Content)
			}},
		{name: "SchemaViolationIsReturnedVerbatim", handler: llmtest.SchemaViolation(),
			check: func(t *testing.T, resp llm.Response, err error, _ *llmtest.Server) {
				require.NoError(t, err)
				require.Equal(t, llmtest.SchemaViolationContent, resp.Content)
			}},
		{name: "SchemaRefusedByServer", edit: func(r *llm.Request) { r.Schema = json.RawMessage(`{"type":"string"}`) },
			check: func(t *testing.T, _ llm.Response, err error, srv *llmtest.Server) {
				e := requireKind(t, err, llm.ErrRejected)
				require.Equal(t, http.StatusBadRequest, e.StatusCode)
				require.Equal(t, 1, srv.Status(http.StatusBadRequest))
			}},
		{name: "NoMessages", edit: func(r *llm.Request) { r.Messages = nil },
			check: func(t *testing.T, _ llm.Response, err error, srv *llmtest.Server) {
				requireKind(t, err, llm.ErrRejected)
				require.Zero(t, srv.Requests())
			}},
		{name: "SchemaNotAnObject", edit: func(r *llm.Request) { r.Schema = json.RawMessage(`["intent"]`) },
			check: func(t *testing.T, _ llm.Response, err error, srv *llmtest.Server) {
				requireKind(t, err, llm.ErrRejected)
				require.Zero(t, srv.Requests())
			}},
	}
	for _, b := range backends {
		for _, tt := range tests {
			t.Run(b.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()

				srv := b.serve(t, tt.handler)
				client := b.client(t, srv)
				req := classifyRequest("refund please")
				if tt.edit != nil {
					tt.edit(&req)
				}
				ctx := context.Background()
				if tt.timeout > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tt.timeout)
					defer cancel()
				}
				resp, err := client.Complete(ctx, req)
				tt.check(t, resp, err, srv)
			})
		}
	}
}

// TestCompleteTransportErrors covers failures without any HTTP answer.
func TestCompleteTransportErrors(t *testing.T) {
	t.Parallel()

	for _, b := range backends {
		t.Run(b.name+"/ServerDown", func(t *testing.T) {
			t.Parallel()

			srv := b.serve(t, nil)
			client := b.client(t, srv)
			srv.Close()
			_, err := client.Complete(context.Background(), classifyRequest("hello"))
			e := requireKind(t, err, llm.ErrUnavailable)
			require.Zero(t, e.StatusCode)
			require.Equal(t, b.name, e.Backend)
		})
		t.Run(b.name+"/Canceled", func(t *testing.T) {
			t.Parallel()

			srv := b.serve(t, llmtest.Hang())
			client := b.client(t, srv)
			ctx, cancel := context.WithCancel(context.Background())
			go func() {
				for srv.InFlight() == 0 {
					time.Sleep(time.Millisecond)
				}
				cancel()
			}()
			_, err := client.Complete(ctx, classifyRequest("hello"))
			requireKind(t, err, llm.ErrTimeout)
			require.ErrorIs(t, err, context.Canceled)
		})
		t.Run(b.name+"/HTTPClientTimeout", func(t *testing.T) {
			t.Parallel()

			srv := b.serve(t, llmtest.Hang())
			var client llm.Completer
			var err error
			httpClient := &http.Client{Timeout: 100 * time.Millisecond}
			if b.name == llm.BackendOpenAI {
				client, err = llm.NewOpenAI(llm.OpenAIConfig{BaseURL: srv.BaseURL(), Model: "m", HTTPClient: httpClient})
			} else {
				client, err = llm.NewOllama(llm.OllamaConfig{Host: srv.BaseURL(), Model: "m", HTTPClient: httpClient})
			}
			require.NoError(t, err)
			_, err = client.Complete(context.Background(), classifyRequest("hello"))
			requireKind(t, err, llm.ErrTimeout)
			require.Nil(t, httpClient.Transport, "the caller's client is not modified")
		})
	}
}
