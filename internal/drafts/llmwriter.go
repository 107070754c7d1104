package drafts

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/triage-oss/triage/internal/calllog"
	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/prompt"
)

// Completer is a model backend (llm.OpenAI, llm.Ollama, llm.Limiter).
type Completer interface {
	Complete(ctx context.Context, req llm.Request) (llm.Response, error)
	Backend() string
	Model() string
}

// Recorder records model calls (calllog.Store).
type Recorder interface {
	Record(ctx context.Context, c calllog.Call) error
}

// DefaultVoice is the brand voice when none is configured.
const DefaultVoice = "Friendly, calm and plain-spoken. Short sentences, no jargon, no emoji. Sign off with \"— the team\"."

// LLMWriter drafts with a language model.
type LLMWriter struct {
	model    Completer
	recorder Recorder
	prompt   *prompt.Prompt
	voice    string

	// Redact, when set, rewrites the item's author and text before they go
	// into the prompt (redact.Redactor's personal data placeholders): the
	// model and the model_calls log see its output. Passages are the
	// knowledge base's and go as they are.
	Redact func(string) string
}

var _ Writer = (*LLMWriter)(nil)

// NewLLMWriter returns a writer using the draft prompt p and the brand
// voice (DefaultVoice when empty).
func NewLLMWriter(model Completer, rec Recorder, p *prompt.Prompt, voice string) (*LLMWriter, error) {
	if p == nil || p.Task != "draft" {
		return nil, errors.New("drafts: a draft prompt is required")
	}
	return &LLMWriter{model: model, recorder: rec, prompt: p, voice: cmp.Or(voice, DefaultVoice)}, nil
}

// draftSchema is the JSON schema of a model's draft.
var draftSchema = json.RawMessage(`{"type":"object","properties":{
	"reply":{"type":"string","description":"The reply to send, in the brand voice."},
	"citations":{"type":"array","items":{"type":"integer"},"description":"Numbers of the passages the reply uses."}},
	"required":["reply","citations"],"additionalProperties":false}`)

type promptPassage struct {
	N     int    `json:"n"`
	Title string `json:"title"`
	URL   string `json:"url,omitempty"`
	Text  string `json:"text"`
}

// Write asks the model for a draft. Model errors are returned wrapped with
// their llm kind; an unusable answer wraps ErrInvalidDraft.
func (w *LLMWriter) Write(ctx context.Context, req Request) (Written, error) {
	ps := make([]promptPassage, len(req.Passages))
	for i, p := range req.Passages {
		ps[i] = promptPassage{N: p.N, Title: p.Title, URL: p.URL, Text: p.Text}
	}
	msgs, err := w.prompt.Render(map[string]any{
		"Voice": w.voice, "Channel": req.Channel, "Passages": ps,
		"Item": w.promptItem(req),
	})
	if err != nil {
		return Written{}, err
	}
	lreq := llm.Request{Messages: msgs, SchemaName: cmp.Or(w.prompt.Schema, "triage_draft"), Schema: draftSchema,
		Temperature: w.prompt.Temperature, MaxTokens: w.prompt.MaxTokens}
	resp, err := w.model.Complete(ctx, lreq)
	out, perr := parseDraft(resp.Content)
	if err == nil && perr != nil {
		err = perr
	}
	rec := calllog.Call{ItemID: req.ItemID, Task: "draft", Backend: w.model.Backend(), Model: cmp.Or(resp.Model, w.model.Model()),
		PromptVersion: w.prompt.ID(), Request: lreq, Response: resp, Outcome: calllog.OutcomeOf(err), Err: err}
	if errors.Is(err, ErrInvalidDraft) {
		rec.Outcome = calllog.OutcomeInvalidOutput
	}
	if rErr := w.recorder.Record(context.WithoutCancel(ctx), rec); rErr != nil {
		return Written{}, rErr
	}
	if err != nil {
		return Written{}, fmt.Errorf("draft for item %d: %w", req.ItemID, err)
	}
	out.PromptVersion, out.PromptHash = w.prompt.ID(), w.prompt.Hash
	out.Backend, out.Model = w.model.Backend(), rec.Model
	return out, nil
}

func (w *LLMWriter) promptItem(req Request) map[string]string {
	if w.Redact == nil {
		return map[string]string{"author": req.Author, "text": req.Text}
	}
	return map[string]string{"author": w.Redact(req.Author), "text": w.Redact(req.Text)}
}

func parseDraft(content string) (Written, error) {
	var d struct {
		Reply     *string `json:"reply"`
		Citations []int   `json:"citations"`
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(content)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return Written{}, fmt.Errorf("%w: %v", ErrInvalidDraft, err)
	}
	switch {
	case d.Reply == nil || strings.TrimSpace(*d.Reply) == "":
		return Written{}, fmt.Errorf("%w: empty reply", ErrInvalidDraft)
	case len(*d.Reply) > MaxReplyBytes:
		return Written{}, fmt.Errorf("%w: reply of %d bytes, at most %d", ErrInvalidDraft, len(*d.Reply), MaxReplyBytes)
	}
	return Written{Body: strings.TrimSpace(*d.Reply), Cited: d.Citations}, nil
}
