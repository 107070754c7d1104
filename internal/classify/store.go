package classify

import (
	"context"
	_ "embed"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/postgres"
	"github.com/triage-oss/triage/internal/taxonomy"
)

//go:embed queries.sql
var queriesSQL string

var queries = postgres.ParseQueries(queriesSQL)

// Store keeps classifications in PostgreSQL.
type Store struct {
	db postgres.DB
}

// NewStore returns a store running its statements on db.
func NewStore(db postgres.DB) *Store { return &Store{db: db} }

// WithTx returns a store that runs its statements in tx.
func (s *Store) WithTx(tx pgx.Tx) *Store { return &Store{db: tx} }

// Stored is a classification as stored for an item.
type Stored struct {
	ID     int64 `json:"id"`
	ItemID int64 `json:"item_id"`
	taxonomy.Classification

	PromptVersion    string `json:"prompt_version"`
	PromptHash       string `json:"prompt_hash"`
	Backend          string `json:"backend"`
	Model            string `json:"model"`
	LatencyMS        int64  `json:"latency_ms"`
	PromptTokens     int    `json:"prompt_tokens"`
	CompletionTokens int    `json:"completion_tokens"`
	ModelCalls       int    `json:"model_calls"`
	Repaired         bool   `json:"repaired"`
	// InheritedFrom is the near-duplicate whose classification this is.
	InheritedFrom *int64 `json:"inherited_from,omitempty"`
}

// Insert stores r as the current classification of an item.
func (s *Store) Insert(ctx context.Context, itemID int64, r Result) (int64, error) {
	l := r.Labels
	var id int64
	err := s.db.QueryRow(ctx, queries.Get("InsertClassification"), itemID,
		l.Intent, l.Topic, l.Urgency, l.Sentiment, l.Sarcasm, l.Risk, l.Severity, l.Language, l.Summary, l.Confidence,
		r.PromptVersion, r.PromptHash, r.Backend, r.Model, r.Latency.Milliseconds(), r.PromptTokens, r.CompletionTokens,
		r.Calls, r.Repaired, nullID(r.InheritedFrom)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store classification of item %d: %w", itemID, err)
	}
	return id, nil
}

// Latest returns the current classification of an item, or ENOTFOUND.
func (s *Store) Latest(ctx context.Context, itemID int64) (Stored, error) {
	var c Stored
	l := &c.Classification
	err := s.db.QueryRow(ctx, queries.Get("LatestClassification"), itemID).Scan(&c.ID, &c.ItemID,
		&l.Intent, &l.Topic, &l.Urgency, &l.Sentiment, &l.Sarcasm, &l.Risk, &l.Severity, &l.Language, &l.Summary, &l.Confidence,
		&c.PromptVersion, &c.PromptHash, &c.Backend, &c.Model, &c.LatencyMS, &c.PromptTokens, &c.CompletionTokens,
		&c.ModelCalls, &c.Repaired, &c.InheritedFrom)
	if errors.Is(err, pgx.ErrNoRows) {
		return Stored{}, apperr.Errorf(apperr.ENOTFOUND, "item %d has no classification", itemID)
	}
	if err != nil {
		return Stored{}, fmt.Errorf("get classification of item %d: %w", itemID, err)
	}
	return c, nil
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}
