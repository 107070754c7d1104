package drafts

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/items"
)

// SendWorker delivers approved drafts, and only those.
type SendWorker struct {
	river.WorkerDefaults[SendArgs]
	pool   *pgxpool.Pool
	sender Sender
	log    *slog.Logger
	now    func() time.Time
}

var _ river.Worker[SendArgs] = (*SendWorker)(nil)

// NewSendWorker returns a SendWorker delivering with sender.
func NewSendWorker(pool *pgxpool.Pool, sender Sender, log *slog.Logger) *SendWorker {
	return &SendWorker{pool: pool, sender: sender, log: cmp.Or(log, slog.Default()), now: time.Now}
}

// Work sends the draft if, and only if, it is approved or edited.
func (w *SendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	d, err := get(ctx, w.pool, job.Args.DraftID, false)
	if apperr.CodeOf(err) == apperr.ENOTFOUND {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if d.State == StateSent {
		return nil // delivered by an earlier run of this job
	}
	if !d.State.Approved() || d.FinalBody == nil {
		return river.JobCancel(fmt.Errorf("draft %d is %s: only approved drafts are sent", d.ID, d.State))
	}
	it, err := items.NewStore(w.pool).Get(ctx, d.ItemID)
	if err != nil {
		return err
	}
	err = w.sender.Send(ctx, Outgoing{DraftID: d.ID, ItemID: it.ID, Channel: it.Channel, ExternalID: it.ExternalID,
		ThreadID: it.ThreadID, Author: it.Author, URL: it.URL, Body: *d.FinalBody, ApprovedBy: d.Reviewer, ApprovedAt: deref(d.ReviewedAt),
		Metadata: it.Metadata})
	switch {
	case err == nil:
		return w.finish(ctx, job, d, StateSent, "", items.StateReplied, "")
	case errors.Is(err, ErrPermanent) || job.Attempt >= job.MaxAttempts:
		w.log.WarnContext(ctx, "reply could not be sent", "draft_id", d.ID, "error", err)
		return w.finish(ctx, job, d, StateSendFailed, err.Error(), items.StateNeedsHuman, "reply could not be sent: "+err.Error())
	}
	return err
}

func (w *SendWorker) finish(ctx context.Context, job *river.Job[SendArgs], d Draft, to State, sendErr string, itemTo items.State, itemReason string) error {
	now := w.now()
	return complete(ctx, w.pool, job, func(tx pgx.Tx) error {
		var version int
		if err := tx.QueryRow(ctx, queries.Get("UpdateSent"), d.ID, to, now, sendErr).Scan(&version); err != nil {
			return fmt.Errorf("mark draft %d %s: %w", d.ID, to, err)
		}
		action := string(to)
		if err := writeEvent(ctx, tx, d.ID, event{action: action, actor: "sender", from: &d.State, to: to, reason: sendErr}, now); err != nil {
			return err
		}
		return items.NewStore(tx).Transition(ctx, d.ItemID, items.Change{From: items.StateApproved, To: itemTo,
			Reason: itemReason, Actor: "sender", At: now, Detail: map[string]any{"draft_id": d.ID}})
	})
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
