package app

import (
	"cmp"
	"fmt"
	"io"
	"log/slog"

	"github.com/triage-oss/triage/internal/calllog"
	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/eval"
	"github.com/triage-oss/triage/internal/llm"
)

// EvalOptions says what an eval run measures beyond the configuration.
type EvalOptions struct {
	// Backend overrides TRIAGE_BACKEND: local, openai, ollama, or replay
	// (with Cassette).
	Backend string
	// Prompt is the classify prompt version to run (any, released or
	// not); TRIAGE_PROMPT_CLASSIFY when empty.
	Prompt string
	// Cassette is the directory to replay from (Backend replay).
	Cassette string
	// Record, when set, is the directory every model answer is recorded to.
	Record string
	// Cascade puts the local prefilter in front of the backend.
	Cascade bool
	// Concurrency bounds the model calls in flight (and items at once).
	Concurrency int
}

// EvalRun is a classifier set up for an eval, with what the report says
// about it.
type EvalRun struct {
	Classifier eval.Classifier
	Setup      eval.Setup
	recorder   *llm.Recorder
	replayer   *llm.Replayer
	record     string
	cassette   string
}

// NewEvalRun builds what o measures. No database is needed: model calls
// are counted in the predictions, not logged.
func NewEvalRun(cfg config.Config, o EvalOptions) (*EvalRun, error) {
	cfg.Backend = cmp.Or(o.Backend, cfg.Backend)
	cfg.ClassifyPrompt = cmp.Or(o.Prompt, cfg.ClassifyPrompt)
	cfg.LLMConcurrency = cmp.Or(o.Concurrency, cfg.LLMConcurrency)
	local, err := NewLocal(cfg)
	if err != nil {
		return nil, err
	}
	r := &EvalRun{Setup: eval.Setup{Backend: cfg.Backend, Cascade: o.Cascade, Options: eval.Options{Concurrency: cfg.LLMConcurrency}}, record: o.Record}
	var next classify.Classifier
	if cfg.Backend == llm.BackendLocal {
		r.Setup.Model = "triage-local"
		if o.Record != "" || o.Cassette != "" {
			return nil, fmt.Errorf("--record and --cassette are for model backends; the local model is deterministic")
		}
	} else {
		completer, err := r.completer(cfg, o)
		if err != nil {
			return nil, err
		}
		c, err := NewLLMClassifier(cfg, completer, calllog.Discard{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			return nil, err
		}
		next = c
		r.Setup.Backend, r.Setup.Model = completer.Backend(), completer.Model()
		r.Setup.Prompt, r.Setup.PromptHash = c.Prompt().ID(), c.Prompt().Hash
	}
	switch {
	case o.Cascade:
		r.Classifier = classify.NewCascade(local, next, cfg.PrefilterThreshold)
	case next != nil:
		r.Classifier = next
	default:
		r.Classifier = local
	}
	return r, nil
}

// completer is the model backend: a replayed cassette, or the configured
// API, recorded when asked.
func (r *EvalRun) completer(cfg config.Config, o EvalOptions) (classify.Completer, error) {
	if cfg.Backend == llm.BackendReplay {
		if o.Cassette == "" {
			return nil, fmt.Errorf("--backend replay needs --cassette DIR")
		}
		rep, err := llm.NewReplayer(o.Cassette)
		r.replayer, r.cassette = rep, o.Cassette
		return rep, err
	}
	if err := cfg.Validate(config.Need{Backend: true}); err != nil {
		return nil, err
	}
	c, err := NewCompleter(cfg, nil)
	if err != nil || o.Record == "" {
		return c, err
	}
	r.recorder = llm.NewRecorder(c)
	return r.recorder, nil
}

// Finish writes the recording, if any, and says how many calls it holds.
// A replay that met calls its cassette did not record fails: its numbers
// would not be the recorded run's.
func (r *EvalRun) Finish() (int, error) {
	if r.replayer != nil && r.replayer.Misses() > 0 {
		return 0, fmt.Errorf("%d model calls are not in the cassette %s (a new item, prompt version or model): record them with --record %s",
			r.replayer.Misses(), r.cassette, r.cassette)
	}
	if r.recorder == nil {
		return 0, nil
	}
	return r.recorder.Save(r.record)
}
