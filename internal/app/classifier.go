package app

import (
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/dispatch"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/localmodel"
	"github.com/triage-oss/triage/internal/pipeline"
	"github.com/triage-oss/triage/internal/prompt"
	"github.com/triage-oss/triage/internal/redact"
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

// NewLocal returns the local model classifier: the model file cfg names,
// or the one built into the binary.
func NewLocal(cfg config.Config) (*classify.Local, error) {
	tax, err := taxonomy.New(cfg.Topics)
	if err != nil {
		return nil, err
	}
	model, name, err := loadLocalModel(cfg.LocalModel)
	if err != nil {
		return nil, err
	}
	return classify.NewLocal(model, tax, name), nil
}

func loadLocalModel(path string) (*localmodel.Model, string, error) {
	if path == "" {
		m, err := localmodel.Default()
		return m, "triage-local", err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", fmt.Errorf("TRIAGE_LOCAL_MODEL: %w", err)
	}
	defer f.Close()
	m, err := localmodel.Load(f)
	if err != nil {
		return nil, "", fmt.Errorf("TRIAGE_LOCAL_MODEL=%s: %w", path, err)
	}
	return m, "triage-local:" + path, nil
}

// NewClassifier returns the classifier cfg selects: the local model alone
// (TRIAGE_BACKEND=local, completer nil), or the local prefilter in front of
// an LLM calling completer, recording every model call with rec. Either way
// items the local model confidently calls noise or spam are closed by the
// prefilter.
func NewClassifier(cfg config.Config, completer classify.Completer, rec classify.Recorder, log *slog.Logger) (classify.Classifier, error) {
	local, err := NewLocal(cfg)
	if err != nil {
		return nil, err
	}
	if completer == nil {
		return classify.NewCascade(local, nil, cfg.PrefilterThreshold), nil
	}
	llmClassifier, err := NewLLMClassifier(cfg, completer, rec, log)
	if err != nil {
		return nil, err
	}
	return classify.NewCascade(local, llmClassifier, cfg.PrefilterThreshold), nil
}

// NewLLMClassifier returns the LLM classifier alone, with the configured
// prompt version and personal data redaction (TRIAGE_REDACT_PII).
func NewLLMClassifier(cfg config.Config, completer classify.Completer, rec classify.Recorder, log *slog.Logger) (*classify.LLM, error) {
	tax, err := taxonomy.New(cfg.Topics)
	if err != nil {
		return nil, err
	}
	p, err := prompt.Load(prompts.FS, cfg.ClassifyPrompt)
	if err != nil {
		return nil, err
	}
	return classify.NewLLM(completer, rec, classify.LLMConfig{Prompt: p, Taxonomy: tax, Logger: log, Redact: piiRedactor(cfg)})
}

// piiRedactor returns what replaces the personal data TRIAGE_REDACT_PII
// names in the text the model backend is sent, or nil when it names none.
// Only the model's copy changes: items are stored, and shown to reviewers,
// as received.
func piiRedactor(cfg config.Config) func(string) string {
	if cfg.RedactPII == 0 {
		return nil
	}
	r := redact.New(cfg.RedactPII)
	return func(text string) string {
		out, _ := r.Redact(text)
		return out
	}
}

// IngestPriority returns the triage priority of a new item by a local
// reading of its text (tens of microseconds, localmodel.Model.Screen): an
// item the local model gives some risk (probability >= dispatch.VetoRisk)
// or high urgency goes ahead of a backlog; the model classifies it properly
// when its turn comes.
func IngestPriority(local *localmodel.Model) func(items.NewItem) int {
	return func(n items.NewItem) int {
		s := local.Screen(n.Text)
		if s.RiskProbability() >= dispatch.VetoRisk || s.Urgency == taxonomy.UrgencyHigh || s.Urgency == taxonomy.UrgencyCritical {
			return pipeline.PriorityUrgent
		}
		return pipeline.PriorityNormal
	}
}
