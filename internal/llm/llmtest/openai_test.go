package llmtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"
	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/llm/llmtest"
	"github.com/triage-oss/triage/internal/taxonomy"
)

// openaiBody returns a valid chat-completions request, changed by edit.
func openaiBody(edit func(map[string]any)) map[string]any {
	body := map[string]any{
		"model":    "gpt-4o-mini",
		"messages": []any{map[string]any{"role": "system", "content": "Classify."}, map[string]any{"role": "user", "content": "I want a refund"}},
		"response_format": map[string]any{"type": "json_schema", "json_schema": map[string]any{
			"name": taxonomy.SchemaName, "strict": true, "schema": taxonomy.Default().Schema(),
		}},
	}
	if edit != nil {
		edit(body)
	}
	return body
}

func jsonSchemaOf(body map[string]any) map[string]any {
	return body["response_format"].(map[string]any)["json_schema"].(map[string]any)
}

// post sends body as JSON and returns the status and the decoded answer.
func post(t *testing.T, url string, body any) (int, map[string]any) {
	t.Helper()
	b, err := json.Marshal(body)
	require.NoError(t, err)
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out
}

func TestOpenAIValidation(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		body    any
		wantMsg string
	}{
		{"not JSON", "{", "could not parse the JSON body"},
		{"no model", openaiBody(func(b map[string]any) { delete(b, "model") }), "must provide a model"},
		{"no messages", openaiBody(func(b map[string]any) { b["messages"] = []any{} }), "too short - 'messages'"},
		{"no response format", openaiBody(func(b map[string]any) { delete(b, "response_format") }), "response_format must be"},
		{"json_object format", openaiBody(func(b map[string]any) { b["response_format"] = map[string]any{"type": "json_object"} }), "response_format must be"},
		{"bad schema name", openaiBody(func(b map[string]any) { jsonSchemaOf(b)["name"] = "triage classification" }), "json_schema.name"},
		{"not strict", openaiBody(func(b map[string]any) { jsonSchemaOf(b)["strict"] = false }), "strict must be true"},
		{"schema not an object", openaiBody(func(b map[string]any) { jsonSchemaOf(b)["schema"] = map[string]any{"type": "string"} }), "Invalid schema"},
		{"strict: additional properties", openaiBody(func(b map[string]any) {
			jsonSchemaOf(b)["schema"] = map[string]any{"type": "object", "properties": map[string]any{"a": map[string]any{"type": "string"}}, "required": []any{"a"}}
		}), "'additionalProperties' is required"},
		{"strict: nested property not required", openaiBody(func(b map[string]any) {
			schema := taxonomy.Default().Schema()
			conf := schema["properties"].(map[string]any)["confidence"].(map[string]any)
			conf["required"] = []string{"intent"}
			jsonSchemaOf(b)["schema"] = schema
		}), "context=().properties.confidence"},
		{"temperature too high", openaiBody(func(b map[string]any) { b["temperature"] = 2.5 }), "Invalid 'temperature'"},
		{"stream", openaiBody(func(b map[string]any) { b["stream"] = true }), "does not stream"},
		{"content parts", openaiBody(func(b map[string]any) {
			b["messages"] = []any{map[string]any{"role": "user", "content": []any{map[string]any{"type": "text", "text": "hi"}}}}
		}), "messages[0].content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			srv := llmtest.NewOpenAI(t, nil)
			status, out := post(t, srv.BaseURL()+"/chat/completions", tt.body)
			require.Equal(t, http.StatusBadRequest, status)
			apiErr := out["error"].(map[string]any)
			require.Contains(t, apiErr["message"], tt.wantMsg)
			require.Equal(t, "invalid_request_error", apiErr["type"])
			require.Equal(t, 1, srv.Requests())
			require.Equal(t, 1, srv.Status(http.StatusBadRequest))
			require.Empty(t, srv.Calls())
		})
	}
}

func TestOpenAIRoutes(t *testing.T) {
	t.Parallel()

	tests := []struct {
		method, path string
		wantStatus   int
	}{
		{http.MethodGet, "/v1/chat/completions", http.StatusMethodNotAllowed},
		{http.MethodPost, "/v1/completions", http.StatusNotFound},
		{http.MethodPost, "/chat/completions", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			t.Parallel()

			srv := llmtest.NewOpenAI(t, nil)
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			require.NoError(t, err)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			require.Equal(t, tt.wantStatus, resp.StatusCode)
			require.Equal(t, 1, srv.Status(tt.wantStatus))
		})
	}
}

// TestOpenAIWire checks answers with the go-openai types, independently of
// the llm package's client.
func TestOpenAIWire(t *testing.T) {
	t.Parallel()

	type testBundle struct {
		srv    *llmtest.Server
		client *openai.Client
	}
	setup := func(t *testing.T, h llmtest.Handler) *testBundle {
		t.Helper()
		srv := llmtest.NewOpenAI(t, h)
		cfg := openai.DefaultConfig("sk-test")
		cfg.BaseURL = srv.BaseURL()
		return &testBundle{srv: srv, client: openai.NewClientWithConfig(cfg)}
	}
	request := openai.ChatCompletionRequest{
		Model:       "gpt-4o-mini",
		Messages:    []openai.ChatCompletionMessage{{Role: "user", Content: "Thanks, I love it"}},
		Temperature: 0.5,
		MaxTokens:   300,
		ResponseFormat: &openai.ChatCompletionResponseFormat{
			Type:       openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{Name: taxonomy.SchemaName, Schema: taxonomy.Default().SchemaJSON(), Strict: true},
		},
	}

	t.Run("Classification", func(t *testing.T) {
		t.Parallel()

		bundle := setup(t, nil)
		resp, err := bundle.client.CreateChatCompletion(context.Background(), request)
		require.NoError(t, err)
		require.Equal(t, "chat.completion", resp.Object)
		require.Equal(t, "gpt-4o-mini", resp.Model)
		require.Len(t, resp.Choices, 1)
		require.Equal(t, openai.FinishReasonStop, resp.Choices[0].FinishReason)
		c, err := taxonomy.Default().Parse([]byte(resp.Choices[0].Message.Content))
		require.NoError(t, err)
		require.Equal(t, taxonomy.IntentEngagement, c.Intent)
		require.Positive(t, resp.Usage.PromptTokens)
		require.Equal(t, resp.Usage.PromptTokens+resp.Usage.CompletionTokens, resp.Usage.TotalTokens)

		calls := bundle.srv.Calls()
		require.Len(t, calls, 1)
		require.Equal(t, 1, calls[0].N)
		require.Equal(t, taxonomy.SchemaName, calls[0].SchemaName)
		require.JSONEq(t, string(taxonomy.Default().SchemaJSON()), string(calls[0].Schema))
		require.InDelta(t, 0.5, *calls[0].Temperature, 1e-6)
		require.Equal(t, 300, calls[0].MaxTokens)
		require.Equal(t, "Bearer sk-test", calls[0].Header.Get("Authorization"))
		require.Equal(t, "Thanks, I love it", calls[0].LastUser())
	})

	t.Run("Refusal", func(t *testing.T) {
		t.Parallel()

		bundle := setup(t, llmtest.Always(llmtest.Reply{Refusal: "I can't help with that."}))
		resp, err := bundle.client.CreateChatCompletion(context.Background(), request)
		require.NoError(t, err)
		require.Empty(t, resp.Choices[0].Message.Content)
		require.Equal(t, "I can't help with that.", resp.Choices[0].Message.Refusal)
	})

	t.Run("Tokens", func(t *testing.T) {
		t.Parallel()

		bundle := setup(t, llmtest.Always(llmtest.Reply{Content: "{}", PromptTokens: 11, CompletionTokens: 7, FinishReason: "length"}))
		resp, err := bundle.client.CreateChatCompletion(context.Background(), request)
		require.NoError(t, err)
		require.Equal(t, 11, resp.Usage.PromptTokens)
		require.Equal(t, 7, resp.Usage.CompletionTokens)
		require.Equal(t, openai.FinishReasonLength, resp.Choices[0].FinishReason)
	})

	t.Run("RateLimited", func(t *testing.T) {
		t.Parallel()

		bundle := setup(t, llmtest.RateLimited("2"))
		_, err := bundle.client.CreateChatCompletion(context.Background(), request)
		var apiErr *openai.APIError
		require.ErrorAs(t, err, &apiErr)
		require.Equal(t, http.StatusTooManyRequests, apiErr.HTTPStatusCode)
		require.Equal(t, "rate_limit_exceeded", apiErr.Code)
		require.Equal(t, 1, bundle.srv.Status(http.StatusTooManyRequests))
	})
}

func TestOpenAIFaults(t *testing.T) {
	t.Parallel()

	t.Run("RetryAfterHeader", func(t *testing.T) {
		t.Parallel()

		srv := llmtest.NewOpenAI(t, llmtest.RateLimited("7"))
		b, err := json.Marshal(openaiBody(nil))
		require.NoError(t, err)
		resp, err := http.Post(srv.BaseURL()+"/chat/completions", "application/json", bytes.NewReader(b))
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
		require.Equal(t, "7", resp.Header.Get("Retry-After"))
	})

	t.Run("TruncatedBody", func(t *testing.T) {
		t.Parallel()

		srv := llmtest.NewOpenAI(t, llmtest.Always(llmtest.Reply{Content: `{"a":1}`, Truncate: true}))
		b, err := json.Marshal(openaiBody(nil))
		require.NoError(t, err)
		resp, err := http.Post(srv.BaseURL()+"/chat/completions", "application/json", bytes.NewReader(b))
		require.NoError(t, err)
		defer resp.Body.Close()
		_, err = io.ReadAll(resp.Body)
		require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	})

	t.Run("HangUntilClientGivesUp", func(t *testing.T) {
		t.Parallel()

		srv := llmtest.NewOpenAI(t, llmtest.Hang())
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		b, err := json.Marshal(openaiBody(nil))
		require.NoError(t, err)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.BaseURL()+"/chat/completions", bytes.NewReader(b))
		require.NoError(t, err)
		_, err = http.DefaultClient.Do(req)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		require.Eventually(t, func() bool { return srv.InFlight() == 0 }, time.Second, 5*time.Millisecond)
		require.Empty(t, srv.Statuses())
		require.Equal(t, 1, srv.Requests())
	})
}
