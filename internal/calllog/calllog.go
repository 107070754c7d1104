// Package calllog records every model call, successful or not, with its
// request, response, token counts, latency and outcome, for audit and cost
// reporting.
package calllog

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"time"

	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/postgres"
)

// Outcome is how a model call ended.
type Outcome string

// Outcomes.
const (
	OutcomeOK            Outcome = "ok"             // answered with valid output
	OutcomeInvalidOutput Outcome = "invalid_output" // answered, but the output failed validation
	OutcomeRateLimited   Outcome = "rate_limited"
	OutcomeTimeout       Outcome = "timeout"
	OutcomeUnavailable   Outcome = "unavailable"
	OutcomeRejected      Outcome = "rejected"
	OutcomeCanceled      Outcome = "canceled" // the caller gave up (shutdown)
	OutcomeError         Outcome = "error"
)

// OutcomeOf classifies a call error; nil is OutcomeOK.
func OutcomeOf(err error) Outcome {
	switch {
	case err == nil:
		return OutcomeOK
	case errors.Is(err, llm.ErrRateLimited):
		return OutcomeRateLimited
	case errors.Is(err, llm.ErrTimeout):
		return OutcomeTimeout
	case errors.Is(err, llm.ErrUnavailable):
		return OutcomeUnavailable
	case errors.Is(err, llm.ErrRejected):
		return OutcomeRejected
	case errors.Is(err, context.Canceled):
		return OutcomeCanceled
	}
	return OutcomeError
}

// Call is one model call.
type Call struct {
	ItemID        int64  // 0 when the call is not about an item (evals)
	Task          string // "classify", "classify_repair", "draft", ...
	Backend       string
	Model         string
	PromptVersion string
	Request       llm.Request
	Response      llm.Response // zero when the call failed
	Outcome       Outcome
	Err           error
}

//go:embed queries.sql
var queriesSQL string

var queries = postgres.ParseQueries(queriesSQL)

// Store writes calls to the model_calls table.
type Store struct {
	db postgres.DB
}

// NewStore returns a store writing to db.
func NewStore(db postgres.DB) *Store { return &Store{db: db} }

// Record stores one call.
func (s *Store) Record(ctx context.Context, c Call) error {
	var itemID *int64
	if c.ItemID != 0 {
		itemID = &c.ItemID
	}
	errText := ""
	if c.Err != nil {
		errText = c.Err.Error()
	}
	_, err := s.db.Exec(ctx, queries.Get("InsertCall"), itemID, c.Task, c.Backend, c.Model, c.PromptVersion,
		c.Request, c.Response.Content, c.Response.PromptTokens, c.Response.CompletionTokens,
		c.Response.Latency.Milliseconds(), c.Outcome, errText)
	if err != nil {
		return fmt.Errorf("record %s call: %w", c.Task, err)
	}
	return nil
}

// Totals sums calls over a period.
type Totals struct {
	Calls            int64
	ByOutcome        map[Outcome]int64
	PromptTokens     int64
	CompletionTokens int64
}

// Sum returns the totals of calls made since `since`.
func (s *Store) Sum(ctx context.Context, since time.Time) (Totals, error) {
	rows, err := s.db.Query(ctx, queries.Get("SumCalls"), since)
	if err != nil {
		return Totals{}, fmt.Errorf("sum model calls: %w", err)
	}
	defer rows.Close()
	t := Totals{ByOutcome: map[Outcome]int64{}}
	for rows.Next() {
		var o Outcome
		var n, in, out int64
		if err := rows.Scan(&o, &n, &in, &out); err != nil {
			return Totals{}, fmt.Errorf("sum model calls: %w", err)
		}
		t.ByOutcome[o] = n
		t.Calls += n
		t.PromptTokens += in
		t.CompletionTokens += out
	}
	return t, rows.Err()
}

// Discard records nothing: for runs whose calls are accounted elsewhere
// (eval runs report their own tokens and latency).
type Discard struct{}

// Record does nothing.
func (Discard) Record(context.Context, Call) error { return nil }
