package classify

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/taxonomy"
)

// LocalModel is the project's own trained model (localmodel.Model).
type LocalModel interface {
	Classify(t *taxonomy.Taxonomy, text string) taxonomy.Classification
}

// Local classifies with the local model: no network, no cost, microseconds
// per item. It is the offline default backend and the first stage of a
// Cascade.
type Local struct {
	model LocalModel
	tax   *taxonomy.Taxonomy
	name  string
}

// NewLocal returns a classifier using model; name identifies the model
// version in stored classifications (e.g. "triage-local-2026.11").
func NewLocal(model LocalModel, tax *taxonomy.Taxonomy, name string) *Local {
	return &Local{model: model, tax: cmp.Or(tax, taxonomy.Default()), name: cmp.Or(name, "triage-local")}
}

// Classify never fails except on a cancelled context.
func (l *Local) Classify(ctx context.Context, in Input) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	start := time.Now()
	labels := l.model.Classify(l.tax, in.Text)
	if err := l.tax.Validate(labels); err != nil {
		// The model is ours: an invalid answer is a bug, not bad input.
		return Result{}, fmt.Errorf("local model produced an invalid classification: %w", err)
	}
	return Result{Labels: labels, Backend: llm.BackendLocal, Model: l.name, Latency: time.Since(start)}, nil
}
