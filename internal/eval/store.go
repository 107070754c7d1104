package eval

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/postgres"
)

//go:embed queries.sql
var queriesSQL string

var queries = postgres.ParseQueries(queriesSQL)

// Store keeps eval runs in PostgreSQL.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns a store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Save stores a run with every outcome, in one transaction, and returns
// its id. setHash identifies the contents of the set.
func (s *Store) Save(ctx context.Context, r Result, setHash string) (int64, error) {
	report, err := json.Marshal(r.RunReport)
	if err != nil {
		return 0, err
	}
	cols := make([][]string, 6)
	for _, o := range r.Items {
		for i, v := range []any{o.ID, o.Text, o.Expected, o.Predicted, o.Confidence, o.Error} {
			cols[i] = append(cols[i], jsonOrString(v))
		}
	}
	var id int64
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, queries.Get("InsertRun"), r.Set, setHash, r.Backend, r.Model, r.Prompt, r.PromptHash,
			report, r.StartedAt, r.DurationMS).Scan(&id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, queries.Get("InsertOutcomes"), id, cols[0], cols[1], cols[2], cols[3], cols[4], cols[5])
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store eval run: %w", err)
	}
	return id, nil
}

func jsonOrString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v) // maps of strings and floats
	return string(b)
}

// Get returns a stored run, or ENOTFOUND.
func (s *Store) Get(ctx context.Context, id int64) (Result, error) {
	var r Result
	var report []byte
	err := s.pool.QueryRow(ctx, queries.Get("GetRun"), id).Scan(&report)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, apperr.Errorf(apperr.ENOTFOUND, "eval run %d not found", id)
	}
	if err != nil {
		return r, fmt.Errorf("get eval run %d: %w", id, err)
	}
	if err := json.Unmarshal(report, &r.RunReport); err != nil {
		return r, fmt.Errorf("eval run %d: %w", id, err)
	}
	rows, err := s.pool.Query(ctx, queries.Get("GetOutcomes"), id)
	if err != nil {
		return r, fmt.Errorf("get eval run %d: %w", id, err)
	}
	r.Items, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (Outcome, error) {
		var o Outcome
		err := row.Scan(&o.ID, &o.Text, &o.Expected, &o.Predicted, &o.Confidence, &o.Error)
		return o, err
	})
	if err != nil {
		return r, fmt.Errorf("get eval run %d: %w", id, err)
	}
	return r, nil
}

// RunSummary is one line of the list of runs.
type RunSummary struct {
	ID        int64     `json:"id"`
	Set       string    `json:"set"`
	Backend   string    `json:"backend"`
	Model     string    `json:"model"`
	Prompt    string    `json:"prompt"`
	Report    RunReport `json:"report"`
	CreatedAt time.Time `json:"created_at"`
}

// List returns the most recent runs, newest first.
func (s *Store) List(ctx context.Context, limit int) ([]RunSummary, error) {
	rows, err := s.pool.Query(ctx, queries.Get("ListRuns"), limit)
	if err != nil {
		return nil, fmt.Errorf("list eval runs: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (RunSummary, error) {
		var s RunSummary
		var report []byte
		if err := row.Scan(&s.ID, &s.Set, &s.Backend, &s.Model, &s.Prompt, &report, &s.CreatedAt); err != nil {
			return s, err
		}
		return s, json.Unmarshal(report, &s.Report)
	})
	if err != nil {
		return nil, fmt.Errorf("list eval runs: %w", err)
	}
	return out, nil
}
