package llm_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/llm"
)

func TestOllamaHost(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name, host, want string
	}{
		{"Empty", "", llm.DefaultOllamaHost},
		{"WithoutScheme", "10.0.0.5:11434", "http://10.0.0.5:11434"},
		{"HTTPS", "https://ollama.example.com", "https://ollama.example.com"},
		{"OtherScheme", "unix:///run/ollama.sock", "unix:///run/ollama.sock"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			require.Equal(t, tt.want, llm.OllamaHost(tt.host))
		})
	}
}

func TestOllamaHostURL(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name, host, wantHost, wantErr string
	}{
		{"HTTP", "http://10.0.0.5:11434", "10.0.0.5:11434", ""},
		{"HTTPS", "https://ollama.example.com", "ollama.example.com", ""},
		{"NotHTTP", "unix:///run/ollama.sock", "", `host "unix:///run/ollama.sock": want http(s)://host:port`},
		{"NoHost", "http://", "", `host "http://": want http(s)://host:port`},
		{"Unparsable", "http://[::1", "", `host: parse "http://[::1": missing ']' in host`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			u, err := llm.OllamaHostURL(tt.host)
			if tt.wantErr != "" {
				require.EqualError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.wantHost, u.Host)
		})
	}
}

func TestCheckOpenAIBaseURL(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name, baseURL, wantErr string
	}{
		{"Default", llm.DefaultOpenAIBaseURL, ""},
		{"LocalServer", "http://localhost:8000/v1", ""},
		{"NotHTTP", "ftp://example.com/v1", `base URL "ftp://example.com/v1": want http(s)://host[/path]`},
		{"NoScheme", "localhost:8000", `base URL "localhost:8000": want http(s)://host[/path]`},
		{"Unparsable", "%zz", `base URL: parse "%zz": invalid URL escape "%zz"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			err := llm.CheckOpenAIBaseURL(tt.baseURL)
			if tt.wantErr != "" {
				require.EqualError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
		})
	}
}
