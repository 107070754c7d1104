package classify

import (
	"context"
	"fmt"

	"github.com/triage-oss/triage/internal/taxonomy"
)

// DefaultPrefilterThreshold is the confidence above which the local model's
// noise or spam verdict closes an item without a model call. Chosen on the
// eval sets (see the README): high enough that closes are rarely wrong.
const DefaultPrefilterThreshold = 0.9

// Prefiltered reports whether labels are confident enough noise or spam to
// close the item without a model call or a reviewer. Only plain noise (no
// risk) and plain spam qualify: scams, abuse and every other risk always go
// on, however confident, because someone must act on them; so does anything
// sarcastic, where a complaint often hides behind words that read as
// chatter.
func Prefiltered(labels taxonomy.Classification, threshold float64) (string, bool) {
	c := labels.Confidence
	switch {
	case labels.Sarcasm:
		return "", false
	case labels.Risk == taxonomy.RiskSpam && c.Risk >= threshold:
		return fmt.Sprintf("spam (confidence %.2f)", c.Risk), true
	case labels.Intent == taxonomy.IntentNoise && labels.Risk == taxonomy.RiskNone &&
		c.Intent >= threshold && c.Risk >= threshold:
		return fmt.Sprintf("noise (confidence %.2f)", c.Intent), true
	}
	return "", false
}

// Classifier is any of LLM, Local or Cascade.
type Classifier interface {
	Classify(ctx context.Context, in Input) (Result, error)
}

// Cascade runs the local model first and calls the next classifier (an LLM)
// only for items the local model does not confidently close as noise or
// spam. A closed item's Result has Prefilter set and comes from the local
// model; it cost no model call.
type Cascade struct {
	local     *Local
	next      Classifier
	threshold float64
}

// NewCascade returns a cascade; threshold <= 0 means
// DefaultPrefilterThreshold, and a threshold above 1 never closes anything.
// With next nil the local model's answer is final (the offline backend),
// and the prefilter still marks the items it would close.
func NewCascade(local *Local, next Classifier, threshold float64) *Cascade {
	if threshold <= 0 {
		threshold = DefaultPrefilterThreshold
	}
	return &Cascade{local: local, next: next, threshold: threshold}
}

// Classify classifies in locally, and with the next classifier unless the
// prefilter closes it.
func (c *Cascade) Classify(ctx context.Context, in Input) (Result, error) {
	res, err := c.local.Classify(ctx, in)
	if err != nil {
		return Result{}, err
	}
	if why, ok := Prefiltered(res.Labels, c.threshold); ok {
		res.Prefilter = why
		return res, nil
	}
	if c.next == nil {
		return res, nil
	}
	return c.next.Classify(ctx, in)
}
