package llm_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/llm/llmtest"
)

func TestNewOllama(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		cfg     llm.OllamaConfig
		wantErr string
	}{
		{"Defaults", llm.OllamaConfig{Model: "qwen2.5:7b"}, ""},
		{"HostWithoutScheme", llm.OllamaConfig{Host: "10.0.0.5:11434", Model: "qwen2.5:7b"}, ""},
		{"NoModel", llm.OllamaConfig{}, "model is required"},
		{"NotHTTP", llm.OllamaConfig{Host: "unix:///run/ollama.sock", Model: "m"}, "want http(s)://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			client, err := llm.NewOllama(tt.cfg)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, llm.BackendOllama, client.Backend())
			require.Equal(t, tt.cfg.Model, client.Model())
		})
	}
	require.Equal(t, llm.DefaultOllamaHost, llm.OllamaConfig{}.WithDefaults().Host)
	require.Equal(t, "http://10.0.0.5:11434", llm.OllamaConfig{Host: "10.0.0.5:11434"}.WithDefaults().Host)
}

// TestOllamaWireRequest checks the JSON the client sends.
func TestOllamaWireRequest(t *testing.T) {
	t.Parallel()

	type wire struct {
		Stream    *bool           `json:"stream"`
		KeepAlive json.RawMessage `json:"keep_alive"`
		Options   map[string]any  `json:"options"`
	}
	tests := []struct {
		name          string
		keepAlive     time.Duration
		maxTokens     int
		wantKeepAlive string
		wantOptions   map[string]any
	}{
		{"Defaults", 0, 0, "", map[string]any{"temperature": 0.0}},
		{"Bounded", 30 * time.Minute, 256, `"30m0s"`, map[string]any{"temperature": 0.0, "num_predict": 256.0}},
		{"KeepLoaded", -1, 0, `-1`, map[string]any{"temperature": 0.0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			srv := llmtest.NewOllama(t, nil)
			client, err := llm.NewOllama(llm.OllamaConfig{Host: srv.BaseURL(), Model: "qwen2.5:7b", KeepAlive: tt.keepAlive})
			require.NoError(t, err)
			req := classifyRequest("the app is broken")
			req.MaxTokens = tt.maxTokens
			resp, err := client.Complete(context.Background(), req)
			require.NoError(t, err)
			require.Equal(t, "qwen2.5:7b", resp.Model)

			call := srv.Calls()[0]
			var got wire
			require.NoError(t, json.Unmarshal(call.Body, &got))
			require.False(t, *got.Stream)
			require.Equal(t, tt.wantKeepAlive, string(got.KeepAlive))
			require.Equal(t, tt.wantOptions, got.Options)
			require.JSONEq(t, string(req.Schema), string(call.Schema))
			require.Len(t, call.Messages, 2)
		})
	}
}

// TestOllamaAnswers covers answers that come with a 200 but no usable
// content.
func TestOllamaAnswers(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name        string
		reply       llmtest.Reply
		wantKind    error
		wantContent string
	}{
		{"NeverDone", llmtest.Reply{Body: `{"model":"m","message":{"role":"assistant","content":"{}"},"done":false}`}, llm.ErrUnavailable, ""},
		{"ErrorAfterOK", llmtest.Reply{Body: `{"error":"llama runner process has terminated"}`}, llm.ErrUnavailable, ""},
		{"Length", llmtest.Reply{Content: `{"intent":"supp`, FinishReason: "length"}, nil, `{"intent":"supp`},
		{"EmptyContent", llmtest.Reply{}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			srv := llmtest.NewOllama(t, llmtest.Always(tt.reply))
			client, err := llm.NewOllama(llm.OllamaConfig{Host: srv.BaseURL(), Model: "qwen2.5:7b"})
			require.NoError(t, err)
			resp, err := client.Complete(context.Background(), classifyRequest("hello"))
			if tt.wantKind != nil {
				requireKind(t, err, tt.wantKind)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.wantContent, resp.Content)
		})
	}
}
