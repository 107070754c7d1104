package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"

	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/drafts"
	"github.com/triage-oss/triage/internal/embed"
	"github.com/triage-oss/triage/internal/kb"
	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/prompt"
	"github.com/triage-oss/triage/internal/senders"
	"github.com/triage-oss/triage/prompts"
)

// NewEmbedder returns the embedder cfg selects. The local one uses the word
// vectors when they are installed (TRIAGE_WORD_VECTORS, or where `triage
// setup` puts them) and says so in the log; without them it falls back to
// hashed features alone.
func NewEmbedder(ctx context.Context, cfg config.Config, log *slog.Logger) (kb.Embedder, error) {
	switch cfg.Embedder {
	case llm.BackendOpenAI:
		return embed.NewOpenAI(embed.OpenAIConfig{BaseURL: cfg.OpenAIBaseURL, APIKey: cfg.OpenAIAPIKey, Model: cfg.OpenAIEmbedModel})
	case llm.BackendOllama:
		e, err := embed.NewOllama(embed.OllamaConfig{Host: cfg.OllamaHost, Model: cfg.OllamaEmbedModel})
		if err != nil {
			return nil, err
		}
		if err := e.Probe(ctx); err != nil {
			return nil, fmt.Errorf("ollama embedding model %s: %w", cfg.OllamaEmbedModel, err)
		}
		return e, nil
	}
	wv, err := loadWordVectors(cfg.WordVectors)
	if err != nil {
		return nil, err
	}
	e, err := embed.NewLocal(embed.LocalConfig{WordVectors: wv})
	if err != nil {
		return nil, err
	}
	if wv == nil {
		log.Info("word vectors not installed: the local embedder uses hashed features only (run `triage setup` to install them)")
	}
	return e, nil
}

func loadWordVectors(path string) (*embed.WordVectors, error) {
	if path != "" {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("TRIAGE_WORD_VECTORS: %w", err)
		}
		return embed.LoadWordVectors(path)
	}
	wv, err := embed.LoadDefaultWordVectors()
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return wv, err
}

// NewWriter returns the draft writer cfg selects: the extractive writer
// offline, the draft prompt on the configured model otherwise, with
// personal data redaction (TRIAGE_REDACT_PII).
func NewWriter(cfg config.Config, completer drafts.Completer, rec drafts.Recorder) (drafts.Writer, error) {
	if cfg.Backend == llm.BackendLocal {
		return drafts.Extractive{}, nil
	}
	p, err := prompt.Load(prompts.FS, cfg.DraftPrompt)
	if err != nil {
		return nil, err
	}
	w, err := drafts.NewLLMWriter(completer, rec, p, cfg.BrandVoice)
	if err != nil {
		return nil, err
	}
	w.Redact = piiRedactor(cfg)
	return w, nil
}

// NewSender returns the reply sender: the platform's own API for the
// channels whose bot token is configured, the send webhook for the others
// (TRIAGE_SEND_WEBHOOK_URL), and a visible failure when there is neither.
func NewSender(cfg config.Config) drafts.Sender {
	var fallback drafts.Sender = drafts.NoSender{}
	if cfg.SendWebhookURL != "" {
		fallback = &drafts.Webhook{URL: cfg.SendWebhookURL, Secret: cfg.SendWebhookSecret}
	}
	r := &senders.Router{ByChannel: map[string]drafts.Sender{}, Fallback: fallback}
	c := cfg.Channels
	if c.SlackBotToken != "" {
		r.ByChannel["slack"] = senders.NewSlack(c.SlackBotToken, "", nil)
	}
	if c.DiscordBotToken != "" {
		r.ByChannel["discord"] = senders.NewDiscord(c.DiscordBotToken, "", nil)
	}
	if c.TelegramBotToken != "" {
		r.ByChannel["telegram"] = senders.NewTelegram(c.TelegramBotToken, "", nil)
	}
	return r
}

// DraftRules reads TRIAGE_DRAFT_RULES, or returns the default rules.
func DraftRules(path string) ([]drafts.Rule, error) {
	if path == "" {
		return drafts.DefaultRules, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("TRIAGE_DRAFT_RULES: %w", err)
	}
	defer f.Close()
	rules, err := drafts.ParseRules(f)
	if err != nil {
		return nil, fmt.Errorf("TRIAGE_DRAFT_RULES=%s: %w", path, err)
	}
	return rules, nil
}
