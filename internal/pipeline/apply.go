package pipeline

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/channels"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/postgres"
)

// Applied counts what a channel delivery did.
type Applied struct {
	Created   int      `json:"created"`   // new items, queued for triage
	Existing  int      `json:"existing"`  // redelivered messages: nothing changed
	Edited    int      `json:"edited"`    // texts updated (Retriaged of them queued again)
	Retriaged int      `json:"retriaged"` // edited items sent back to triage
	Unchanged int      `json:"unchanged"` // replayed edits: same text
	Deleted   int      `json:"deleted"`   // deletes recorded (Closed of them closed)
	Closed    int      `json:"closed"`
	Unknown   int      `json:"unknown"` // deletes of messages never received
	Skipped   []string `json:"skipped,omitempty"`
	ItemIDs   []int64  `json:"item_ids"` // the items touched, in event order
}

// Apply stores a channel delivery (validated with Delivery.Validate) in one
// transaction: new messages are inserted and queued (idempotently, as
// Ingest), edits update the text and send the item back to triage when no
// person has acted on it yet (its draft waiting for review is withdrawn),
// deletes close open items. An edit of a message never received creates
// it. A replayed delivery changes nothing.
func (in *Ingester) Apply(ctx context.Context, d channels.Delivery, actor string) (Applied, error) {
	a := Applied{Skipped: d.Skipped, ItemIDs: []int64{}}
	err := pgx.BeginFunc(ctx, in.pool, func(tx pgx.Tx) error {
		a = Applied{Skipped: d.Skipped, ItemIDs: []int64{}}
		store := items.NewStore(tx)
		now := in.config.Now()
		for _, e := range d.Events {
			switch e.Kind {
			case channels.KindMessage:
				if err := in.create(ctx, tx, store, e.Item, actor, &a); err != nil {
					return err
				}
			case channels.KindEdit:
				reviewed, err := reviewedDraft(ctx, tx, e.Item)
				if err != nil {
					return err
				}
				ed, err := store.Edit(ctx, e.Item, actor, now, !reviewed)
				if err != nil {
					return err
				}
				switch {
				case !ed.Found:
					if err := in.create(ctx, tx, store, e.Item, actor, &a); err != nil {
						return err
					}
					continue
				case !ed.Changed:
					a.Unchanged++
				default:
					a.Edited++
				}
				a.ItemIDs = append(a.ItemIDs, ed.ID)
				if ed.Retriage {
					if err := in.retriage(ctx, tx, ed.ID); err != nil {
						return err
					}
					a.Retriaged++
				}
			case channels.KindDelete:
				r, err := store.Remove(ctx, e.Item.Channel, e.Item.ExternalID, actor, now)
				if err != nil {
					return err
				}
				if !r.Found {
					a.Unknown++
					continue
				}
				a.Deleted++
				a.ItemIDs = append(a.ItemIDs, r.ID)
				if r.Closed {
					a.Closed++
					if _, err := tx.Exec(ctx, queries.Get("WithdrawPendingDraft"), r.ID); err != nil {
						return fmt.Errorf("withdraw draft of deleted item %d: %w", r.ID, err)
					}
				}
			default:
				return apperr.Errorf(apperr.EINVALID, "unknown event kind %q", e.Kind)
			}
		}
		return nil
	})
	if err != nil {
		if postgres.IsUnavailable(err) {
			return Applied{}, &apperr.Error{Code: apperr.EUNAVAILABLE, Message: "database unavailable, nothing was stored; retry later", Err: err}
		}
		return Applied{}, fmt.Errorf("apply %d channel events: %w", len(d.Events), err)
	}
	return a, nil
}

func (in *Ingester) create(ctx context.Context, tx pgx.Tx, store *items.Store, n items.NewItem, actor string, a *Applied) error {
	res, err := store.Insert(ctx, []items.NewItem{n}, actor, in.config.Now())
	if err != nil {
		return err
	}
	if err := in.enqueue(ctx, tx, res, []items.NewItem{n}); err != nil {
		return err
	}
	if res[0].Created {
		a.Created++
	} else {
		a.Existing++
	}
	a.ItemIDs = append(a.ItemIDs, res[0].ID)
	return nil
}

// reviewedDraft reports whether the item of n has a draft a person has
// acted on (approved, edited, rejected, sent): then an edit is recorded
// but not triaged again.
func reviewedDraft(ctx context.Context, tx pgx.Tx, n items.NewItem) (bool, error) {
	var reviewed bool
	if err := tx.QueryRow(ctx, queries.Get("ReviewedDraft"), n.Channel, n.ExternalID).Scan(&reviewed); err != nil {
		return false, fmt.Errorf("draft of %s item %s: %w", n.Channel, n.ExternalID, err)
	}
	return reviewed, nil
}

// retriage removes the item's draft still waiting for review (written for
// the old text; the edit is in the item's history) and queues triage.
func (in *Ingester) retriage(ctx context.Context, tx pgx.Tx, itemID int64) error {
	if _, err := tx.Exec(ctx, queries.Get("DeletePendingDraft"), itemID); err != nil {
		return fmt.Errorf("drop the stale draft of item %d: %w", itemID, err)
	}
	_, err := in.river.InsertTx(ctx, tx, TriageArgs{ItemID: itemID}, &river.InsertOpts{MaxAttempts: in.config.MaxAttempts})
	if err != nil {
		return fmt.Errorf("enqueue triage of edited item %d: %w", itemID, err)
	}
	return nil
}
