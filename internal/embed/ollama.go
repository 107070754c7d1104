package embed

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/ollama/ollama/api"

	"github.com/triage-oss/triage/internal/llm"
)

// OllamaConfig configures an Ollama embedder.
type OllamaConfig struct {
	// Host is the server's root URL: llm.DefaultOllamaHost when empty. A
	// value without a scheme ("10.0.0.5:11434") is read as http.
	Host string
	// Model names the embedding model, as "ollama list" shows it
	// ("nomic-embed-text", "mxbai-embed-large"). Required.
	Model string
	// Dim is the dimension the model answers with; 0 learns it from the
	// first answer (call Probe before relying on Dim).
	Dim int

	// BatchSize is the most texts sent in one request: DefaultBatchSize
	// when 0.
	BatchSize int
	// KeepAlive is how long the server keeps the model loaded after a call:
	// 0 leaves the server's default (5 minutes), a negative value keeps it
	// loaded until the server stops.
	KeepAlive time.Duration
	// HTTPClient sends the requests; nil means a client without timeout
	// (bound calls with the context). It is copied, never modified.
	HTTPClient *http.Client
}

// WithDefaults returns the config with every empty field set to its
// default, and a scheme-less Host prefixed with http://.
func (c OllamaConfig) WithDefaults() OllamaConfig {
	c.Host = llm.OllamaHost(c.Host)
	c.BatchSize = cmp.Or(c.BatchSize, DefaultBatchSize)
	return c
}

func (c OllamaConfig) hostURL() (*url.URL, error) {
	switch {
	case c.Model == "":
		return nil, errors.New("ollama embedder: model is required")
	case c.Dim < 0 || c.BatchSize < 0:
		return nil, errors.New("ollama embedder: Dim and BatchSize must not be negative")
	}
	u, err := llm.OllamaHostURL(c.Host)
	if err != nil {
		return nil, fmt.Errorf("ollama embedder: %w", err)
	}
	return u, nil
}

// Ollama embeds texts with an Ollama server's /api/embed. It is safe for
// concurrent use.
type Ollama struct {
	client    *api.Client
	model     string
	batch     int
	keepAlive *api.Duration

	mu  sync.Mutex
	dim int // 0 until configured or learned
}

var _ Embedder = (*Ollama)(nil)

// NewOllama returns an embedder configured by cfg, after applying defaults.
// It fails when the model is missing or the host is not an http(s) URL. It
// does not contact the server: Probe does.
func NewOllama(cfg OllamaConfig) (*Ollama, error) {
	cfg = cfg.WithDefaults()
	u, err := cfg.hostURL()
	if err != nil {
		return nil, err
	}
	o := &Ollama{client: api.NewClient(u, llm.InstrumentClient(cfg.HTTPClient)), model: cfg.Model, batch: cfg.BatchSize, dim: cfg.Dim}
	if cfg.KeepAlive != 0 {
		o.keepAlive = &api.Duration{Duration: cfg.KeepAlive}
	}
	return o, nil
}

// Model returns "ollama/<model>".
func (o *Ollama) Model() string { return "ollama/" + o.model }

// Dim returns the dimension of every vector: the configured one, or the one
// learned by Probe or the first Embed; 0 before that.
func (o *Ollama) Dim() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.dim
}

// Probe embeds one short text, so that Dim is known (or, when configured,
// checked against the server) and the model loaded. Its errors are those
// of Embed.
func (o *Ollama) Probe(ctx context.Context) error {
	_, err := o.Embed(ctx, []string{"dimension probe"})
	return err
}

// Embed returns one unit vector per text, sending batches of at most
// BatchSize texts. No texts make no request. Errors are *llm.Error: a blank
// text, vectors of another dimension than Dim, or any 4xx other than 408
// and 429 (an unknown model is 404), is ErrRejected; a 429 is
// ErrRateLimited; a timeout ErrTimeout; a 5xx (Ollama answers 503 when its
// queue is full), a failed connection or an answer that does not fit the
// request ErrUnavailable.
func (o *Ollama) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if err := checkTexts(texts); err != nil {
		return nil, &llm.Error{Backend: llm.BackendOllama, Model: o.model, Kind: llm.ErrRejected, Err: err}
	}
	return embedBatches(ctx, texts, o.batch, o.embedBatch)
}

// embedBatch sends one request.
func (o *Ollama) embedBatch(ctx context.Context, texts []string) ([][]float32, error) {
	ctx, x := llm.WithExchange(ctx)
	resp, err := o.client.Embed(ctx, &api.EmbedRequest{Model: o.model, Input: texts, KeepAlive: o.keepAlive})
	if err != nil {
		return nil, x.Error(llm.BackendOllama, o.model, x.Kind(ctx, err), fmt.Errorf("embed: %w", err))
	}
	if len(resp.Embeddings) != len(texts) {
		err := fmt.Errorf("embed: answer has %d vectors for %d texts", len(resp.Embeddings), len(texts))
		return nil, x.Error(llm.BackendOllama, o.model, llm.ErrUnavailable, err)
	}
	if err := normalizeAll(resp.Embeddings, o.learnDim(len(resp.Embeddings[0]))); err != nil {
		kind := llm.ErrUnavailable
		if errors.Is(err, errDimension) {
			kind = llm.ErrRejected
		}
		return nil, x.Error(llm.BackendOllama, o.model, kind, fmt.Errorf("embed: %w", err))
	}
	return resp.Embeddings, nil
}

// learnDim returns the embedder's dimension, set to n if it was unknown.
func (o *Ollama) learnDim(n int) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.dim == 0 {
		o.dim = n
	}
	return o.dim
}
