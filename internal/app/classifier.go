package app

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/prompt"
	"github.com/triage-oss/triage/internal/taxonomy"
	"github.com/triage-oss/triage/prompts"
)

// NewCompleter returns the model backend cfg names, bounded by its
// concurrency limit and request timeout. It fails for the local backend,
// which has no completer.
func NewCompleter(cfg config.Config, httpClient *http.Client) (classify.Completer, error) {
	var next llm.Completer
	var err error
	switch cfg.Backend {
	case llm.BackendOpenAI:
		next, err = llm.NewOpenAI(llm.OpenAIConfig{BaseURL: cfg.OpenAIBaseURL, APIKey: cfg.OpenAIAPIKey, Model: cfg.OpenAIModel, HTTPClient: httpClient})
	case llm.BackendOllama:
		next, err = llm.NewOllama(llm.OllamaConfig{Host: cfg.OllamaHost, Model: cfg.OllamaModel, HTTPClient: httpClient})
	default:
		return nil, fmt.Errorf("backend %q has no model API", cfg.Backend)
	}
	if err != nil {
		return nil, err
	}
	return llm.NewLimiter(next, llm.LimitConfig{MaxConcurrent: cfg.LLMConcurrency, Timeout: cfg.LLMTimeout})
}

// NewClassifier returns the classifier cfg selects, recording model calls
// with rec.
func NewClassifier(cfg config.Config, rec classify.Recorder, log *slog.Logger) (*classify.LLM, error) {
	tax, err := taxonomy.New(cfg.Topics)
	if err != nil {
		return nil, err
	}
	p, err := prompt.Load(prompts.FS, cfg.ClassifyPrompt)
	if err != nil {
		return nil, err
	}
	completer, err := NewCompleter(cfg, nil)
	if err != nil {
		return nil, err
	}
	return classify.NewLLM(completer, rec, classify.LLMConfig{Prompt: p, Taxonomy: tax, Logger: log})
}
