package classify

import (
	"errors"
	"time"

	"github.com/triage-oss/triage/internal/taxonomy"
)

// Input is what a classifier sees of an item.
type Input struct {
	ItemID  int64
	Channel string
	Author  string
	Text    string
	// Parent is the text of the message the item replies to, when Triage
	// has it (at most MaxParentChars characters): context for the model, not the
	// item itself.
	Parent string
}

// MaxParentChars bounds the parent text given as context, in characters.
const MaxParentChars = 2000

// Result is a classification and how it was made.
type Result struct {
	Labels taxonomy.Classification

	PromptVersion string // "classify/v1"; empty for models without a prompt
	PromptHash    string
	Backend       string
	Model         string

	// Totals over every model call made for this result.
	Latency          time.Duration
	PromptTokens     int
	CompletionTokens int
	Calls            int
	Repaired         bool // the first answer was invalid and a repair succeeded

	// Prefilter, when set, says why the local prefilter closed the item
	// as noise or spam without a model call ("noise (confidence 0.97)").
	Prefilter string
	// InheritedFrom, when set, is the near-duplicate item whose
	// classification this is (no model call was made).
	InheritedFrom int64
}

// ErrInvalidOutput is matched by the error of a classification whose model
// output stayed invalid after the repair attempt.
var ErrInvalidOutput = errors.New("model output is not a valid classification")

// InvalidOutputError carries the problems of the last invalid answer.
type InvalidOutputError struct {
	Problems []taxonomy.Problem
	Output   string // the model's last answer, truncated for logs
}

func (e *InvalidOutputError) Error() string {
	msg := ErrInvalidOutput.Error() + " after a repair attempt:"
	for i, p := range e.Problems {
		if i == 3 {
			msg += " ..."
			break
		}
		msg += " " + p.Field + ": " + p.Message + ";"
	}
	return msg
}

// Is reports whether target is ErrInvalidOutput.
func (e *InvalidOutputError) Is(target error) bool { return target == ErrInvalidOutput }
