package classify

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/triage-oss/triage/internal/calllog"
	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/prompt"
	"github.com/triage-oss/triage/internal/taxonomy"
)

// Completer is a model backend: llm.OpenAI, llm.Ollama, or a limiter
// wrapping one.
type Completer interface {
	Complete(ctx context.Context, req llm.Request) (llm.Response, error)
	Backend() string
	Model() string
}

// Recorder records model calls (calllog.Store).
type Recorder interface {
	Record(ctx context.Context, c calllog.Call) error
}

// LLM classifies items with a language model.
type LLM struct {
	model    Completer
	recorder Recorder
	prompt   *prompt.Prompt
	tax      *taxonomy.Taxonomy
	log      *slog.Logger
	redact   func(string) string
}

// LLMConfig configures an LLM classifier.
type LLMConfig struct {
	Prompt   *prompt.Prompt     // required: the classify prompt version to use
	Taxonomy *taxonomy.Taxonomy // defaults to taxonomy.Default()
	Logger   *slog.Logger       // defaults to slog.Default()
	// Redact, when set, rewrites the item's author, text and parent text
	// before they go into the prompt (redact.Redactor's personal data
	// placeholders): the model and the model_calls log see its output,
	// the classification is stored as usual. Nil sends them as they are.
	Redact func(string) string
}

// NewLLM returns a classifier calling model with cfg.Prompt and recording
// every call with rec.
func NewLLM(model Completer, rec Recorder, cfg LLMConfig) (*LLM, error) {
	if cfg.Prompt == nil {
		return nil, errors.New("classify: a prompt is required")
	}
	if cfg.Prompt.Task != "classify" {
		return nil, fmt.Errorf("classify: prompt %s is not a classify prompt", cfg.Prompt.ID())
	}
	return &LLM{
		model:    model,
		recorder: rec,
		prompt:   cfg.Prompt,
		tax:      cmp.Or(cfg.Taxonomy, taxonomy.Default()),
		log:      cmp.Or(cfg.Logger, slog.Default()),
		redact:   cfg.Redact,
	}, nil
}

// promptItem is the item as the prompt shows it: only what the model needs.
type promptItem struct {
	Channel string `json:"channel"`
	Author  string `json:"author,omitempty"`
	Text    string `json:"text"`
	// InReplyTo is the message the item answers, as context: data, like
	// the text.
	InReplyTo string `json:"in_reply_to,omitempty"`
}

func (c *LLM) promptItem(in Input) promptItem {
	it := promptItem{Channel: in.Channel, Author: in.Author, Text: in.Text, InReplyTo: in.Parent}
	if c.redact != nil {
		it.Author, it.Text, it.InReplyTo = c.redact(it.Author), c.redact(it.Text), c.redact(it.InReplyTo)
	}
	return it
}

// Classify asks the model to classify in. Model errors are returned wrapped
// (see package llm for their kinds); output that is still invalid after one
// repair attempt returns an *InvalidOutputError.
func (c *LLM) Classify(ctx context.Context, in Input) (Result, error) {
	msgs, err := c.prompt.Render(map[string]any{
		"Topics": c.tax.Topics(),
		"Item":   c.promptItem(in),
	})
	if err != nil {
		return Result{}, err
	}
	res := Result{PromptVersion: c.prompt.ID(), PromptHash: c.prompt.Hash, Backend: c.model.Backend(), Model: c.model.Model()}
	req := c.request(msgs)
	content, vErr, err := c.call(ctx, in.ItemID, "classify", req, &res)
	if err != nil || vErr == nil {
		return res, err
	}
	// One repair: show the model its answer and what was wrong with it.
	c.log.InfoContext(ctx, "repairing invalid model output", "item_id", in.ItemID, "problems", vErr.Error())
	req.Messages = append(req.Messages,
		llm.Message{Role: llm.RoleAssistant, Content: content},
		llm.Message{Role: llm.RoleUser, Content: "Your answer is not valid: " + vErr.Error() +
			". Answer again with exactly one JSON object that follows the schema, and nothing else."})
	content, vErr, err = c.call(ctx, in.ItemID, "classify_repair", req, &res)
	if err != nil {
		return res, err
	}
	if vErr != nil {
		return res, &InvalidOutputError{Problems: vErr.Problems, Output: truncate(content, 500)}
	}
	res.Repaired = true
	return res, nil
}

func (c *LLM) request(msgs []llm.Message) llm.Request {
	return llm.Request{
		Messages:    msgs,
		SchemaName:  cmp.Or(c.prompt.Schema, taxonomy.SchemaName),
		Schema:      c.tax.SchemaJSON(),
		Temperature: c.prompt.Temperature,
		MaxTokens:   c.prompt.MaxTokens,
	}
}

// call makes one model call, records it, and parses the answer into
// res.Labels. It returns the raw answer, the validation error of an invalid
// answer, and the error of a failed call.
func (c *LLM) call(ctx context.Context, itemID int64, task string, req llm.Request, res *Result) (string, *taxonomy.ValidationError, error) {
	resp, err := c.model.Complete(ctx, req)
	res.Calls++
	res.Latency += resp.Latency
	res.PromptTokens += resp.PromptTokens
	res.CompletionTokens += resp.CompletionTokens
	if resp.Model != "" {
		res.Model = resp.Model
	}
	rec := calllog.Call{ItemID: itemID, Task: task, Backend: c.model.Backend(), Model: res.Model,
		PromptVersion: c.prompt.ID(), Request: req, Response: resp, Outcome: calllog.OutcomeOf(err), Err: err}
	var vErr *taxonomy.ValidationError
	if err == nil {
		res.Labels, err = c.tax.Parse([]byte(resp.Content))
		if errors.As(err, &vErr) {
			rec.Outcome, rec.Err, err = calllog.OutcomeInvalidOutput, vErr, nil
		}
	}
	if rErr := c.recorder.Record(context.WithoutCancel(ctx), rec); rErr != nil {
		return "", nil, fmt.Errorf("classify item %d: %w", itemID, rErr)
	}
	if err != nil {
		return "", nil, fmt.Errorf("classify item %d: %w", itemID, err)
	}
	return resp.Content, vErr, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// Model names the model the classifier calls.
func (c *LLM) Model() string { return c.model.Model() }

// Prompt returns the prompt version the classifier uses.
func (c *LLM) Prompt() *prompt.Prompt { return c.prompt }
