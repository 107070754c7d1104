package llmtest_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ollama/ollama/api"
	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/llm/llmtest"
	"github.com/triage-oss/triage/internal/taxonomy"
)

// ollamaBody returns a valid chat request, changed by edit.
func ollamaBody(edit func(map[string]any)) map[string]any {
	body := map[string]any{
		"model":    "qwen2.5:7b",
		"messages": []any{map[string]any{"role": "user", "content": "My app crashes"}},
		"stream":   false,
		"format":   taxonomy.Default().Schema(),
	}
	if edit != nil {
		edit(body)
	}
	return body
}

func TestOllamaValidation(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		body    any
		wantMsg string
	}{
		{"no model", ollamaBody(func(b map[string]any) { delete(b, "model") }), "model is required"},
		{"no messages", ollamaBody(func(b map[string]any) { delete(b, "messages") }), "messages are required"},
		{"no format", ollamaBody(func(b map[string]any) { delete(b, "format") }), "format must be a JSON schema"},
		{"json format", ollamaBody(func(b map[string]any) { b["format"] = "json" }), "format must be a JSON schema"},
		{"bad option", ollamaBody(func(b map[string]any) { b["options"] = map[string]any{"num_predict": "many"} }), "num_predict"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			srv := llmtest.NewOllama(t, nil)
			status, out := post(t, srv.BaseURL()+"/api/chat", tt.body)
			require.Equal(t, http.StatusBadRequest, status)
			require.Contains(t, out["error"], tt.wantMsg)
			require.Empty(t, srv.Calls())
		})
	}
}

// TestOllamaWire checks answers with Ollama's own client, independently of
// the llm package's client.
func TestOllamaWire(t *testing.T) {
	t.Parallel()

	type testBundle struct {
		srv    *llmtest.Server
		client *api.Client
	}
	setup := func(t *testing.T, h llmtest.Handler) *testBundle {
		t.Helper()
		srv := llmtest.NewOllama(t, h)
		u, err := url.Parse(srv.BaseURL())
		require.NoError(t, err)
		return &testBundle{srv: srv, client: api.NewClient(u, http.DefaultClient)}
	}
	chat := func(stream bool) *api.ChatRequest {
		return &api.ChatRequest{
			Model:    "qwen2.5:7b",
			Messages: []api.Message{{Role: "user", Content: "I was charged twice, I want a refund"}},
			Stream:   &stream,
			Format:   taxonomy.Default().SchemaJSON(),
			Options:  map[string]any{"temperature": 0, "num_predict": 256},
		}
	}
	collect := func(t *testing.T, bundle *testBundle, req *api.ChatRequest) ([]api.ChatResponse, error) {
		t.Helper()
		var chunks []api.ChatResponse
		err := bundle.client.Chat(context.Background(), req, func(r api.ChatResponse) error {
			chunks = append(chunks, r)
			return nil
		})
		return chunks, err
	}

	tests := []struct {
		name       string
		stream     bool
		wantChunks func(t *testing.T, n int)
	}{
		{"NotStreamed", false, func(t *testing.T, n int) { require.Equal(t, 1, n) }},
		{"Streamed", true, func(t *testing.T, n int) { require.Greater(t, n, 2) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			bundle := setup(t, nil)
			chunks, err := collect(t, bundle, chat(tt.stream))
			require.NoError(t, err)
			tt.wantChunks(t, len(chunks))

			var content strings.Builder
			for i, c := range chunks {
				require.Equal(t, i == len(chunks)-1, c.Done)
				content.WriteString(c.Message.Content)
			}
			last := chunks[len(chunks)-1]
			require.Equal(t, "stop", last.DoneReason)
			require.Positive(t, last.PromptEvalCount)
			require.Positive(t, last.EvalCount)
			c, err := taxonomy.Default().Parse([]byte(content.String()))
			require.NoError(t, err)
			require.Equal(t, taxonomy.IntentSupportIssue, c.Intent)
			require.Equal(t, "billing", c.Topic)

			calls := bundle.srv.Calls()
			require.Len(t, calls, 1)
			require.Equal(t, tt.stream, calls[0].Stream)
			require.Equal(t, 256, calls[0].MaxTokens)
			require.Zero(t, *calls[0].Temperature)
			require.JSONEq(t, string(taxonomy.Default().SchemaJSON()), string(calls[0].Schema))
		})
	}

	t.Run("StreamByDefault", func(t *testing.T) {
		t.Parallel()

		bundle := setup(t, nil)
		req := chat(true)
		req.Stream = nil
		chunks, err := collect(t, bundle, req)
		require.NoError(t, err)
		require.Greater(t, len(chunks), 2)
		require.True(t, bundle.srv.Calls()[0].Stream)
	})

	t.Run("ErrorStatus", func(t *testing.T) {
		t.Parallel()

		bundle := setup(t, llmtest.Always(llmtest.Reply{Status: http.StatusNotFound, Error: `model "qwen2.5:7b" not found, try pulling it first`}))
		_, err := collect(t, bundle, chat(false))
		var statusErr api.StatusError
		require.ErrorAs(t, err, &statusErr)
		require.Equal(t, http.StatusNotFound, statusErr.StatusCode)
		require.Contains(t, statusErr.ErrorMessage, "not found")
	})

	t.Run("TruncatedStream", func(t *testing.T) {
		t.Parallel()

		bundle := setup(t, llmtest.Always(llmtest.Reply{Content: strings.Repeat("x", 200), Truncate: true}))
		chunks, err := collect(t, bundle, chat(true))
		if err == nil {
			require.NotEmpty(t, chunks)
			require.False(t, chunks[len(chunks)-1].Done, "a cut stream must not end with done")
		}
	})
}
