package drafts

import (
	"context"
	"errors"

	"github.com/triage-oss/triage/internal/taxonomy"
)

// Request is what a writer drafts from.
type Request struct {
	ItemID   int64
	Channel  string
	Author   string
	Text     string
	Labels   taxonomy.Classification
	Passages []Passage
}

// Written is a writer's draft.
type Written struct {
	Body  string
	Cited []int // passage numbers (Passage.N)

	Extractive    bool
	PromptVersion string
	PromptHash    string
	Backend       string
	Model         string
}

// Writer drafts a reply.
type Writer interface {
	Write(ctx context.Context, req Request) (Written, error)
}

// ErrInvalidDraft is matched by the error of a model answer that is not a
// usable draft (malformed JSON, empty reply).
var ErrInvalidDraft = errors.New("model answer is not a valid draft")

// MaxReplyBytes bounds a drafted reply.
const MaxReplyBytes = 4000
