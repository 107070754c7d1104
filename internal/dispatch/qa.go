package dispatch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/triage-oss/triage/internal/apperr"
)

// QA is the review of auto-closed samples: the verdicts measure the
// precision of auto-closure.
type QA struct {
	pool *pgxpool.Pool
	now  func() time.Time
}

// NewQA returns the QA review service.
func NewQA(pool *pgxpool.Pool) *QA { return &QA{pool: pool, now: time.Now} }

// Sample is an auto-closed item waiting for a verdict.
type Sample struct {
	ItemID     int64           `json:"item_id"`
	ClosedBy   string          `json:"closed_by"` // the policy rule, or "prefilter"
	SampledAt  time.Time       `json:"sampled_at"`
	Channel    string          `json:"channel"`
	Text       string          `json:"text"`
	Intent     *string         `json:"intent"`
	Risk       *string         `json:"risk"`
	Summary    *string         `json:"summary"`
	Confidence json.RawMessage `json:"confidence"`
}

// Queue lists samples waiting for a verdict, oldest first.
func (q *QA) Queue(ctx context.Context, limit int) ([]Sample, error) {
	rows, err := q.pool.Query(ctx, queries.Get("QAQueue"), min(max(limit, 1), 500))
	if err != nil {
		return nil, fmt.Errorf("QA queue: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Sample])
	if err != nil {
		return nil, fmt.Errorf("QA queue: %w", err)
	}
	return out, nil
}

// Verdicts of a QA review.
const (
	VerdictCorrect   = "correct"   // closing it without a reply was right
	VerdictIncorrect = "incorrect" // someone should have handled it
)

// Judge records a reviewer's verdict on a sample, once: a second verdict
// is a conflict.
func (q *QA) Judge(ctx context.Context, itemID int64, verdict, reviewer, note string) error {
	if (verdict != VerdictCorrect && verdict != VerdictIncorrect) || strings.TrimSpace(reviewer) == "" {
		return apperr.Invalid("invalid verdict", apperr.FieldError{Field: "verdict", Message: "correct or incorrect"},
			apperr.FieldError{Field: "reviewer", Message: "required"})
	}
	var id int64
	err := q.pool.QueryRow(ctx, queries.Get("QAVerdict"), itemID, verdict, reviewer, note, q.now()).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return apperr.Errorf(apperr.ECONFLICT, "item %d is not waiting for a QA verdict", itemID)
	}
	return err
}

// Precision is the audited precision of auto-closure so far.
type Precision struct {
	Correct   int      `json:"correct"`
	Incorrect int      `json:"incorrect"`
	Pending   int      `json:"pending"`
	Precision *float64 `json:"precision"` // nil until a verdict exists
}

// Audit returns the audited precision of auto-closure.
func (q *QA) Audit(ctx context.Context) (Precision, error) {
	var p Precision
	if err := q.pool.QueryRow(ctx, queries.Get("QAStats")).Scan(&p.Correct, &p.Incorrect, &p.Pending); err != nil {
		return p, fmt.Errorf("QA stats: %w", err)
	}
	if n := p.Correct + p.Incorrect; n > 0 {
		v := float64(p.Correct) / float64(n)
		p.Precision = &v
	}
	return p, nil
}
