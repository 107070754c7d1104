package llm

import (
	"cmp"
	"fmt"
	"net/url"
	"strings"
)

// OllamaHost returns the Ollama server root URL that host names, as
// OllamaConfig.WithDefaults sets it (and internal/embed's Ollama config
// does too): DefaultOllamaHost when host is empty, host prefixed with
// http:// when it has no scheme ("10.0.0.5:11434", as OLLAMA_HOST often
// is), host itself otherwise.
func OllamaHost(host string) string {
	host = cmp.Or(host, DefaultOllamaHost)
	if !strings.Contains(host, "://") {
		return "http://" + host
	}
	return host
}

// OllamaHostURL parses host, as OllamaHost returns it, into the URL an
// Ollama api.Client takes. It fails unless host is an http or https URL
// with a host. The error says "host ..." without naming the client: the
// caller prefixes it ("ollama: ", "ollama embedder: ").
func OllamaHostURL(host string) (*url.URL, error) {
	return parseHTTPURL("host", host, "http(s)://host:port")
}

// CheckOpenAIBaseURL reports whether baseURL can be the root of an
// OpenAI-compatible API: nil for an http or https URL with a host (a path,
// such as "/v1", is allowed), an error otherwise. The error says
// "base URL ..." without naming the client: the caller prefixes it.
func CheckOpenAIBaseURL(baseURL string) error {
	_, err := parseHTTPURL("base URL", baseURL, "http(s)://host[/path]")
	return err
}

// parseHTTPURL parses raw, the setting named what, and requires an http or
// https URL with a host, of the form want.
func parseHTTPURL(what, raw, want string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("%s %q: want %s", what, raw, want)
	}
	return u, nil
}
