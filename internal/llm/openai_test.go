package llm_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/llm/llmtest"
	"github.com/triage-oss/triage/internal/taxonomy"
)

func TestNewOpenAI(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		cfg     llm.OpenAIConfig
		wantErr string
	}{
		{"Defaults", llm.OpenAIConfig{Model: "gpt-4o-mini"}, ""},
		{"LocalServer", llm.OpenAIConfig{BaseURL: "http://localhost:8000/v1", Model: "qwen"}, ""},
		{"NoModel", llm.OpenAIConfig{APIKey: "sk"}, "model is required"},
		{"NotHTTP", llm.OpenAIConfig{BaseURL: "ftp://example.com/v1", Model: "m"}, "want http(s)://"},
		{"NoHost", llm.OpenAIConfig{BaseURL: "localhost:8000", Model: "m"}, "want http(s)://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			client, err := llm.NewOpenAI(tt.cfg)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, llm.BackendOpenAI, client.Backend())
			require.Equal(t, tt.cfg.Model, client.Model())
		})
	}
	require.Equal(t, llm.DefaultOpenAIBaseURL, llm.OpenAIConfig{}.WithDefaults().BaseURL)
}

// TestOpenAIWireRequest checks the JSON the client sends.
func TestOpenAIWireRequest(t *testing.T) {
	t.Parallel()

	type wire struct {
		Temperature         *float64 `json:"temperature"`
		MaxTokens           *int     `json:"max_tokens"`
		MaxCompletionTokens *int     `json:"max_completion_tokens"`
		ResponseFormat      struct {
			Type       string `json:"type"`
			JSONSchema struct {
				Name   string `json:"name"`
				Strict bool   `json:"strict"`
			} `json:"json_schema"`
		} `json:"response_format"`
	}
	intp := func(n int) *int { return &n }
	tests := []struct {
		name      string
		model     string
		apiKey    string
		edit      func(*llm.Request)
		wantTemp  *float64 // nil: no temperature sent
		wantMax   *int
		wantMaxCT *int
		wantName  string
	}{
		{name: "ZeroTemperatureIsSent", model: "gpt-4o-mini", apiKey: "sk-test",
			wantTemp: new(float64), wantMax: intp(400), wantName: taxonomy.SchemaName},
		{name: "Temperature", model: "qwen2.5-7b-instruct", edit: func(r *llm.Request) { r.Temperature = 0.7; r.MaxTokens = 0; r.SchemaName = "" },
			wantTemp: func() *float64 { v := 0.7; return &v }(), wantName: "response"},
		{name: "ReasoningModel", model: "gpt-5-mini", edit: func(r *llm.Request) { r.Temperature = 0.2 },
			wantMaxCT: intp(400), wantName: taxonomy.SchemaName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			srv := llmtest.NewOpenAI(t, nil)
			client, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: srv.BaseURL(), APIKey: tt.apiKey, Model: tt.model})
			require.NoError(t, err)
			req := classifyRequest("I love it")
			if tt.edit != nil {
				tt.edit(&req)
			}
			resp, err := client.Complete(context.Background(), req)
			require.NoError(t, err)
			require.Equal(t, tt.model, resp.Model)

			call := srv.Calls()[0]
			var got wire
			require.NoError(t, json.Unmarshal(call.Body, &got))
			if tt.wantTemp == nil {
				require.Nil(t, got.Temperature)
			} else {
				require.InDelta(t, *tt.wantTemp, *got.Temperature, 1e-5)
			}
			require.Equal(t, tt.wantMax, got.MaxTokens)
			require.Equal(t, tt.wantMaxCT, got.MaxCompletionTokens)
			require.Equal(t, "json_schema", got.ResponseFormat.Type)
			require.True(t, got.ResponseFormat.JSONSchema.Strict)
			require.Equal(t, tt.wantName, got.ResponseFormat.JSONSchema.Name)
			require.JSONEq(t, string(req.Schema), string(call.Schema))
			require.Equal(t, []llmtest.Message{{Role: "system", Content: req.Messages[0].Content}, {Role: "user", Content: "I love it"}}, call.Messages)
			if tt.apiKey == "" {
				require.Empty(t, call.Header.Get("Authorization"))
			} else {
				require.Equal(t, "Bearer "+tt.apiKey, call.Header.Get("Authorization"))
			}
		})
	}
}

// TestOpenAIAnswers covers answers that come with a 200 but no usable
// content.
func TestOpenAIAnswers(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		reply    llmtest.Reply
		wantKind error
	}{
		{"Refusal", llmtest.Reply{Refusal: "I can't help with that."}, llm.ErrRejected},
		{"ContentFilter", llmtest.Reply{FinishReason: "content_filter"}, llm.ErrRejected},
		{"NoChoices", llmtest.Reply{Body: `{"id":"x","object":"chat.completion","model":"m","choices":[],"usage":{}}`}, llm.ErrUnavailable},
		{"EmptyContent", llmtest.Reply{}, nil},
		{"Length", llmtest.Reply{Content: `{"intent":"supp`, FinishReason: "length"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			srv := llmtest.NewOpenAI(t, llmtest.Always(tt.reply))
			client, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: srv.BaseURL(), Model: "gpt-4o-mini"})
			require.NoError(t, err)
			resp, err := client.Complete(context.Background(), classifyRequest("hello"))
			if tt.wantKind != nil {
				requireKind(t, err, tt.wantKind)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.reply.Content, resp.Content)
		})
	}
}
