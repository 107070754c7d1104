// Package audit keeps the log of privileged actions: who (a token, a
// signed-in user, the CLI) did what to which thing, when, from where, and
// how it ended. The application only appends to it.
package audit

import (
	"context"
	_ "embed"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/triage-oss/triage/internal/postgres"
)

//go:embed queries.sql
var queriesSQL string

var queries = postgres.ParseQueries(queriesSQL)

// Entry is one audited action.
type Entry struct {
	ID     int64          `json:"id"`
	At     time.Time      `json:"at"`
	Actor  string         `json:"actor"`  // "token:<name>", "user:<name>", "cli:<user>"
	Action string         `json:"action"` // "POST /v1/drafts/{id}/approve", "tokens add"
	Target string         `json:"target,omitempty"`
	Status int            `json:"status,omitempty"`
	Remote string         `json:"remote,omitempty"`
	Detail map[string]any `json:"detail,omitempty"`
}

// Log appends to and reads the audit log.
type Log struct {
	db  postgres.DB
	now func() time.Time
}

// New returns a Log.
func New(db postgres.DB) *Log { return &Log{db: db, now: time.Now} }

// Record appends e (At defaults to now).
func (l *Log) Record(ctx context.Context, e Entry) error {
	if e.At.IsZero() {
		e.At = l.now()
	}
	detail := e.Detail
	if detail == nil {
		detail = map[string]any{}
	}
	if _, err := l.db.Exec(ctx, queries.Get("Record"), e.At, e.Actor, e.Action, e.Target, e.Status, e.Remote, detail); err != nil {
		return fmt.Errorf("audit %s by %s: %w", e.Action, e.Actor, err)
	}
	return nil
}

// List returns the latest entries, newest first; actor filters when set.
func (l *Log) List(ctx context.Context, actor string, limit int) ([]Entry, error) {
	rows, err := l.db.Query(ctx, queries.Get("List"), actor, min(max(limit, 1), 10_000))
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Entry])
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	return out, nil
}
