package drafts

import (
	"context"
	_ "embed"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/postgres"
)

//go:embed queries.sql
var queriesSQL string

var queries = postgres.ParseQueries(queriesSQL)

func scanDraft(row pgx.Row) (Draft, error) {
	var d Draft
	err := row.Scan(&d.ID, &d.ItemID, &d.State, &d.Version, &d.Body, &d.Passages, &d.Citations, &d.Flags,
		&d.Extractive, &d.PromptVersion, &d.PromptHash, &d.Backend, &d.Model, &d.Assignee, &d.Reviewer,
		&d.FinalBody, &d.RejectReason, &d.ReviewedAt, &d.SentAt, &d.SendError, &d.CreatedAt, &d.UpdatedAt)
	return d, err
}

// get reads a draft; forUpdate locks its row until the transaction ends.
func get(ctx context.Context, db postgres.DB, id int64, forUpdate bool) (Draft, error) {
	q := "SelectDraft"
	if forUpdate {
		q = "SelectDraftForUpdate"
	}
	d, err := scanDraft(db.QueryRow(ctx, queries.Get(q), id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Draft{}, apperr.Errorf(apperr.ENOTFOUND, "draft %d not found", id)
	}
	if err != nil {
		return Draft{}, fmt.Errorf("get draft %d: %w", id, err)
	}
	return d, nil
}

// event is one audit-trail entry to write.
type event struct {
	action, actor string
	from          *State
	to            State
	before, after string
	reason        string
}

func writeEvent(ctx context.Context, db postgres.DB, draftID int64, e event, at any) error {
	dist := 0
	if e.before != "" || e.after != "" {
		dist = EditDistance(e.before, e.after)
	}
	_, err := db.Exec(ctx, queries.Get("InsertEvent"), draftID, e.action, e.actor, e.from, e.to, e.before, e.after, dist, e.reason, at)
	if err != nil {
		return fmt.Errorf("audit draft %d %s: %w", draftID, e.action, err)
	}
	return nil
}

// Events returns the audit trail of a draft, oldest first.
func events(ctx context.Context, db postgres.DB, draftID int64) ([]Event, error) {
	rows, err := db.Query(ctx, queries.Get("ListEvents"), draftID)
	if err != nil {
		return nil, fmt.Errorf("list events of draft %d: %w", draftID, err)
	}
	evs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Event, error) {
		var e Event
		err := r.Scan(&e.ID, &e.DraftID, &e.Action, &e.Actor, &e.From, &e.To, &e.BeforeBody, &e.AfterBody, &e.EditDistance, &e.Reason, &e.At)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("list events of draft %d: %w", draftID, err)
	}
	return evs, nil
}
