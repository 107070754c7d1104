package llm

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ollama/ollama/api"
)

// DefaultOllamaHost is the Ollama server used when OllamaConfig.Host is
// empty.
const DefaultOllamaHost = "http://127.0.0.1:11434"

// OllamaConfig configures an Ollama client.
type OllamaConfig struct {
	// Host is the server's root URL: DefaultOllamaHost when empty. A value
	// without a scheme, as OLLAMA_HOST often is ("10.0.0.5:11434"), is read
	// as http.
	Host string
	// Model names the model to call, as "ollama list" shows it. Required.
	Model string

	// HTTPClient sends the requests; nil means a client without timeout
	// (bound calls with the context, or with a Limiter). It is copied, never
	// modified: the copy's transport is wrapped to read Retry-After headers.
	HTTPClient *http.Client
	// KeepAlive is how long the server keeps the model loaded after a call:
	// 0 leaves the server's default (5 minutes), a negative value keeps it
	// loaded until the server stops.
	KeepAlive time.Duration
}

// WithDefaults returns the config with every empty field set to its
// default, and a scheme-less Host prefixed with http://.
func (c OllamaConfig) WithDefaults() OllamaConfig {
	c.Host = OllamaHost(c.Host)
	return c
}

func (c OllamaConfig) hostURL() (*url.URL, error) {
	if c.Model == "" {
		return nil, errors.New("ollama: model is required")
	}
	u, err := OllamaHostURL(c.Host)
	if err != nil {
		return nil, fmt.Errorf("ollama: %w", err)
	}
	return u, nil
}

// Ollama is a client of an Ollama server's chat API. It asks for structured
// output by sending the schema as the request's format. It is safe for
// concurrent use.
type Ollama struct {
	client    *api.Client
	model     string
	keepAlive *api.Duration
}

var _ Completer = (*Ollama)(nil)

// NewOllama returns a client configured by cfg, after applying defaults. It
// fails when the model is missing or the host is not an http(s) URL.
func NewOllama(cfg OllamaConfig) (*Ollama, error) {
	cfg = cfg.WithDefaults()
	u, err := cfg.hostURL()
	if err != nil {
		return nil, err
	}
	o := &Ollama{client: api.NewClient(u, InstrumentClient(cfg.HTTPClient)), model: cfg.Model}
	if cfg.KeepAlive != 0 {
		o.keepAlive = &api.Duration{Duration: cfg.KeepAlive}
	}
	return o, nil
}

// Backend returns BackendOllama.
func (o *Ollama) Backend() string { return BackendOllama }

// Model returns the configured model name.
func (o *Ollama) Model() string { return o.model }

// Complete sends req as one non-streamed chat and returns the message
// content verbatim: this package does not check it against the schema.
//
// An answer cut short by the token limit (done_reason "length") is returned
// like any other, without error: its content is usually truncated JSON,
// which the caller's validation rejects. An answer that ends before the
// server says it is done, or reports an error after a 200, is
// ErrUnavailable. HTTP errors are classified as the package documentation
// says (Ollama answers 503 when its queue is full).
func (o *Ollama) Complete(ctx context.Context, req Request) (Response, error) {
	if err := checkRequest(req); err != nil {
		return Response{}, &Error{Backend: BackendOllama, Model: o.model, Kind: ErrRejected, Err: err}
	}
	ctx, x := WithExchange(ctx)
	start := time.Now()
	var content strings.Builder
	var last *api.ChatResponse
	err := o.client.Chat(ctx, o.chatRequest(req), func(r api.ChatResponse) error {
		content.WriteString(r.Message.Content)
		if r.Done {
			last = &r
		}
		return nil
	})
	if err != nil {
		return Response{}, x.Error(BackendOllama, o.model, x.Kind(ctx, err), fmt.Errorf("chat: %w", err))
	}
	if last == nil {
		return Response{}, x.Error(BackendOllama, o.model, ErrUnavailable, errors.New("chat: answer ended before done"))
	}
	return Response{
		Content:          content.String(),
		Model:            cmp.Or(last.Model, o.model),
		PromptTokens:     last.PromptEvalCount,
		CompletionTokens: last.EvalCount,
		Latency:          time.Since(start),
	}, nil
}

// chatRequest translates req: the schema goes in format, the temperature
// always in options (0 is meaningful), num_predict only when bounded.
func (o *Ollama) chatRequest(req Request) *api.ChatRequest {
	stream := false
	cr := &api.ChatRequest{
		Model:     o.model,
		Messages:  make([]api.Message, len(req.Messages)),
		Stream:    &stream,
		Format:    req.Schema,
		KeepAlive: o.keepAlive,
		Options:   map[string]any{"temperature": req.Temperature},
	}
	for i, m := range req.Messages {
		cr.Messages[i] = api.Message{Role: string(m.Role), Content: m.Content}
	}
	if req.MaxTokens > 0 {
		cr.Options["num_predict"] = req.MaxTokens
	}
	return cr
}
