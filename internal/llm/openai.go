package llm

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// DefaultOpenAIBaseURL is the API root used when OpenAIConfig.BaseURL is
// empty.
const DefaultOpenAIBaseURL = "https://api.openai.com/v1"

// zeroTemperature is sent for a requested temperature of 0. go-openai drops
// a zero temperature from the JSON (omitempty), which would let the server
// apply its default (1.0 on OpenAI). 1e-6 is greedy decoding on every known
// server (vLLM treats anything below 1e-5 as greedy) while staying large
// enough for llama.cpp, which divides logits by it.
const zeroTemperature = 1e-6

// defaultSchemaName names a schema sent without a name: OpenAI requires one.
const defaultSchemaName = "response"

// OpenAIConfig configures an OpenAI client.
type OpenAIConfig struct {
	// BaseURL is the API root, version included: DefaultOpenAIBaseURL when
	// empty, http://localhost:8000/v1 for vLLM, http://localhost:8080/v1 for
	// a llama.cpp server.
	BaseURL string
	// APIKey is sent as a bearer token; empty sends none (local servers).
	APIKey string
	// Model names the model to call. Required.
	Model string

	// HTTPClient sends the requests; nil means a client without timeout
	// (bound calls with the context, or with a Limiter). It is copied, never
	// modified: the copy's transport is wrapped to read Retry-After headers.
	HTTPClient *http.Client
}

// WithDefaults returns the config with every empty field set to its
// default.
func (c OpenAIConfig) WithDefaults() OpenAIConfig {
	c.BaseURL = cmp.Or(c.BaseURL, DefaultOpenAIBaseURL)
	return c
}

func (c OpenAIConfig) validate() error {
	if c.Model == "" {
		return errors.New("openai: model is required")
	}
	if err := CheckOpenAIBaseURL(c.BaseURL); err != nil {
		return fmt.Errorf("openai: %w", err)
	}
	return nil
}

// OpenAI is a client of an OpenAI-compatible chat-completions API: OpenAI,
// Azure, vLLM, a llama.cpp server, LM Studio. It asks for structured output
// with a strict json_schema response format. It is safe for concurrent use.
type OpenAI struct {
	client *openai.Client
	model  string
}

var _ Completer = (*OpenAI)(nil)

// NewOpenAI returns a client configured by cfg, after applying defaults. It
// fails when the model is missing or the base URL is not an http(s) URL.
func NewOpenAI(cfg OpenAIConfig) (*OpenAI, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = cfg.BaseURL
	oc.HTTPClient = InstrumentClient(cfg.HTTPClient)
	return &OpenAI{client: openai.NewClientWithConfig(oc), model: cfg.Model}, nil
}

// Backend returns BackendOpenAI.
func (o *OpenAI) Backend() string { return BackendOpenAI }

// Model returns the configured model name.
func (o *OpenAI) Model() string { return o.model }

// Complete sends req as one chat completion and returns the first choice's
// content verbatim: this package does not check it against the schema.
//
// An answer cut short by the token limit (finish_reason "length") is
// returned like any other, without error: its content is usually truncated
// JSON, which the caller's validation rejects. A refusal or an answer
// withheld by a content filter is an ErrRejected error; an answer without
// choices, or one that cannot be decoded, is ErrUnavailable. HTTP errors
// are classified as the package documentation says, with the status and
// any Retry-After in the returned *Error.
func (o *OpenAI) Complete(ctx context.Context, req Request) (Response, error) {
	if err := checkRequest(req); err != nil {
		return Response{}, &Error{Backend: BackendOpenAI, Model: o.model, Kind: ErrRejected, Err: err}
	}
	ctx, x := WithExchange(ctx)
	start := time.Now()
	resp, err := o.client.CreateChatCompletion(ctx, o.chatRequest(req))
	if err != nil {
		return Response{}, x.Error(BackendOpenAI, o.model, x.Kind(ctx, err), fmt.Errorf("create chat completion: %w", err))
	}
	return o.response(resp, time.Since(start), x)
}

// chatRequest translates req. Reasoning models (o1, o3, o4, gpt-5 and
// later) accept neither a temperature nor max_tokens, so they get no
// temperature and max_completion_tokens; every other model gets max_tokens,
// the field vLLM, llama.cpp and LM Studio understand.
func (o *OpenAI) chatRequest(req Request) openai.ChatCompletionRequest {
	cr := openai.ChatCompletionRequest{
		Model:    o.model,
		Messages: make([]openai.ChatCompletionMessage, len(req.Messages)),
		ResponseFormat: &openai.ChatCompletionResponseFormat{
			Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
				Name:   cmp.Or(req.SchemaName, defaultSchemaName),
				Schema: req.Schema,
				Strict: true,
			},
		},
	}
	for i, m := range req.Messages {
		cr.Messages[i] = openai.ChatCompletionMessage{Role: string(m.Role), Content: m.Content}
	}
	if reasoningModel(o.model) {
		cr.MaxCompletionTokens = req.MaxTokens
		return cr
	}
	cr.MaxTokens = req.MaxTokens
	cr.Temperature = float32(req.Temperature)
	if req.Temperature == 0 {
		cr.Temperature = zeroTemperature
	}
	return cr
}

// reasoningModel reports whether model is one of OpenAI's reasoning models,
// whose sampling parameters are fixed.
func reasoningModel(model string) bool {
	for _, p := range []string{"o1", "o3", "o4", "gpt-5", "gpt-6"} {
		if strings.HasPrefix(model, p) {
			return true
		}
	}
	return false
}

// response extracts the answer from a successful HTTP exchange.
func (o *OpenAI) response(resp openai.ChatCompletionResponse, latency time.Duration, x *Exchange) (Response, error) {
	if len(resp.Choices) == 0 {
		return Response{}, x.Error(BackendOpenAI, o.model, ErrUnavailable, errors.New("answer has no choices"))
	}
	choice := resp.Choices[0]
	if choice.Message.Refusal != "" {
		return Response{}, x.Error(BackendOpenAI, o.model, ErrRejected, fmt.Errorf("model refused: %s", choice.Message.Refusal))
	}
	if choice.FinishReason == openai.FinishReasonContentFilter {
		return Response{}, x.Error(BackendOpenAI, o.model, ErrRejected, errors.New("answer withheld by the content filter"))
	}
	return Response{
		Content:          choice.Message.Content,
		Model:            cmp.Or(resp.Model, o.model),
		PromptTokens:     resp.Usage.PromptTokens,
		CompletionTokens: resp.Usage.CompletionTokens,
		Latency:          latency,
	}, nil
}
