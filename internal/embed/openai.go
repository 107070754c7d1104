package embed

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	openai "github.com/sashabaranov/go-openai"

	"github.com/triage-oss/triage/internal/llm"
)

// openAIModelDims are the dimensions of OpenAI's embedding models, used
// when OpenAIConfig sets neither Dimensions nor Dim.
var openAIModelDims = map[string]int{
	"text-embedding-3-small": 1536,
	"text-embedding-3-large": 3072,
	"text-embedding-ada-002": 1536,
}

// OpenAIConfig configures an OpenAI embedder.
type OpenAIConfig struct {
	// BaseURL is the API root, version included: llm.DefaultOpenAIBaseURL
	// when empty, http://localhost:8000/v1 for vLLM.
	BaseURL string
	// APIKey is sent as a bearer token; empty sends none (local servers).
	APIKey string
	// Model names the embedding model. Required.
	Model string

	// Dimensions, when positive, asks the API for vectors of that many
	// dimensions (text-embedding-3 and later; other models refuse it) and
	// is then the embedder's Dim.
	Dimensions int
	// Dim is the dimension the model answers with; it is not sent. It is
	// known for text-embedding-3-small (1536), text-embedding-3-large
	// (3072) and text-embedding-ada-002 (1536); any other model (an
	// OpenAI-compatible server's) needs Dim or Dimensions.
	Dim int

	// BatchSize is the most texts sent in one request: DefaultBatchSize
	// when 0.
	BatchSize int
	// HTTPClient sends the requests; nil means a client without timeout
	// (bound calls with the context). It is copied, never modified.
	HTTPClient *http.Client
}

// WithDefaults returns the config with every empty field set to its
// default, Dim included when the model is known.
func (c OpenAIConfig) WithDefaults() OpenAIConfig {
	c.BaseURL = cmp.Or(c.BaseURL, llm.DefaultOpenAIBaseURL)
	c.BatchSize = cmp.Or(c.BatchSize, DefaultBatchSize)
	c.Dim = cmp.Or(c.Dim, c.Dimensions, openAIModelDims[c.Model])
	return c
}

func (c OpenAIConfig) validate() error {
	switch {
	case c.Model == "":
		return errors.New("openai embedder: model is required")
	case c.Dimensions < 0 || c.Dim < 0 || c.BatchSize < 0:
		return errors.New("openai embedder: Dimensions, Dim and BatchSize must not be negative")
	case c.Dim == 0:
		return fmt.Errorf("openai embedder: the dimension of model %q is unknown: set Dim (or Dimensions)", c.Model)
	case c.Dimensions > 0 && c.Dim != c.Dimensions:
		return fmt.Errorf("openai embedder: Dim %d contradicts Dimensions %d", c.Dim, c.Dimensions)
	}
	if err := llm.CheckOpenAIBaseURL(c.BaseURL); err != nil {
		return fmt.Errorf("openai embedder: %w", err)
	}
	return nil
}

// OpenAI embeds texts with an OpenAI-compatible embeddings API (POST
// {BaseURL}/embeddings): OpenAI, Azure, vLLM, a llama.cpp server, LM
// Studio. It is safe for concurrent use.
type OpenAI struct {
	client     *openai.Client
	model      string
	dimensions int
	dim        int
	batch      int
}

var _ Embedder = (*OpenAI)(nil)

// NewOpenAI returns an embedder configured by cfg, after applying
// defaults. It fails when the model is missing, its dimension unknown, or
// the base URL not an http(s) URL.
func NewOpenAI(cfg OpenAIConfig) (*OpenAI, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = cfg.BaseURL
	oc.HTTPClient = llm.InstrumentClient(cfg.HTTPClient)
	return &OpenAI{
		client: openai.NewClientWithConfig(oc), model: cfg.Model,
		dimensions: cfg.Dimensions, dim: cfg.Dim, batch: cfg.BatchSize,
	}, nil
}

// Model returns "openai/<model>", with "@<Dimensions>" appended when
// shorter vectors were asked for: "openai/text-embedding-3-large@256".
func (o *OpenAI) Model() string {
	if o.dimensions > 0 {
		return "openai/" + o.model + "@" + strconv.Itoa(o.dimensions)
	}
	return "openai/" + o.model
}

// Dim returns the dimension of every vector.
func (o *OpenAI) Dim() int { return o.dim }

// Embed returns one unit vector per text, sending batches of at most
// BatchSize texts. No texts make no request. Errors are *llm.Error: a blank
// text, an answer with vectors of another dimension than Dim, or any 4xx
// other than 408 and 429, is ErrRejected; a 429 is ErrRateLimited (with
// llm.RetryAfter); a timeout ErrTimeout; a 5xx, a failed connection or an
// answer that does not fit the request ErrUnavailable.
func (o *OpenAI) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if err := checkTexts(texts); err != nil {
		return nil, &llm.Error{Backend: llm.BackendOpenAI, Model: o.model, Kind: llm.ErrRejected, Err: err}
	}
	return embedBatches(ctx, texts, o.batch, o.embedBatch)
}

// embedBatch sends one request.
func (o *OpenAI) embedBatch(ctx context.Context, texts []string) ([][]float32, error) {
	ctx, x := llm.WithExchange(ctx)
	resp, err := o.client.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{
		Input: texts, Model: openai.EmbeddingModel(o.model), Dimensions: o.dimensions,
	})
	if err != nil {
		return nil, x.Error(llm.BackendOpenAI, o.model, x.Kind(ctx, err), fmt.Errorf("create embeddings: %w", err))
	}
	vecs, err := o.vectors(resp, len(texts))
	if err != nil {
		kind := llm.ErrUnavailable
		if errors.Is(err, errDimension) {
			kind = llm.ErrRejected
		}
		return nil, x.Error(llm.BackendOpenAI, o.model, kind, fmt.Errorf("create embeddings: %w", err))
	}
	return vecs, nil
}

// vectors puts the answer's vectors in input order, checked and
// normalized.
func (o *OpenAI) vectors(resp openai.EmbeddingResponse, n int) ([][]float32, error) {
	if len(resp.Data) != n {
		return nil, fmt.Errorf("answer has %d vectors for %d texts", len(resp.Data), n)
	}
	vecs := make([][]float32, n)
	for _, d := range resp.Data {
		if d.Index < 0 || d.Index >= n || vecs[d.Index] != nil {
			return nil, fmt.Errorf("answer has a bad or repeated index %d", d.Index)
		}
		vecs[d.Index] = d.Embedding
	}
	if err := normalizeAll(vecs, o.dim); err != nil {
		return nil, err
	}
	return vecs, nil
}
