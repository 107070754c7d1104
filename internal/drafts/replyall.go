package drafts

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/items"
)

// ReplyAll approves one reply for many items (the members of an incident)
// in tx: each item's pending draft is approved with body as an edit, an
// item without a draft gets body as an approved draft, and each is sent by
// its own send job, so every delivery is recorded. Items that are not
// waiting for a reply (already answered, closed) are skipped. It returns
// how many items will get the reply.
func (s *Service) ReplyAll(ctx context.Context, tx pgx.Tx, itemIDs []int64, body, reviewer, why string) (int, error) {
	body = strings.TrimSpace(body)
	if body == "" || len(body) > MaxReplyBytes || strings.TrimSpace(reviewer) == "" {
		return 0, apperr.Invalid("invalid reply", apperr.FieldError{Field: "body", Message: fmt.Sprintf("required, at most %d bytes", MaxReplyBytes)},
			apperr.FieldError{Field: "reviewer", Message: "required"})
	}
	n := 0
	for _, id := range itemIDs {
		ok, err := s.replyOne(ctx, tx, id, body, reviewer, why)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

func (s *Service) replyOne(ctx context.Context, tx pgx.Tx, itemID int64, body, reviewer, why string) (bool, error) {
	it, err := items.NewStore(tx).Get(ctx, itemID)
	if err != nil {
		return false, err
	}
	now := s.now()
	var draftID int64
	switch it.State {
	case items.StatePendingReview:
		var id int64
		if err := tx.QueryRow(ctx, queries.Get("DraftIDByItem"), itemID).Scan(&id); err != nil {
			return false, fmt.Errorf("draft of item %d: %w", itemID, err)
		}
		d, err := get(ctx, tx, id, true)
		if err != nil {
			return false, err
		}
		if err := s.apply(ctx, tx, d, Action{Kind: ActionApprove, Version: d.Version, Reviewer: reviewer, Body: body}); err != nil {
			return false, err
		}
		return true, nil
	case items.StateClassified, items.StateNeedsHuman:
		err := tx.QueryRow(ctx, queries.Get("InsertApprovedDraft"), itemID, body, reviewer, now).Scan(&draftID)
		if err == pgx.ErrNoRows {
			return false, nil // a draft exists in another state: leave the item alone
		}
		if err != nil {
			return false, fmt.Errorf("reply to item %d: %w", itemID, err)
		}
	default:
		return false, nil
	}
	if err := writeEvent(ctx, tx, draftID, event{action: "edited", actor: reviewer, to: StateEdited, after: body, reason: why}, now); err != nil {
		return false, err
	}
	if err := items.NewStore(tx).Transition(ctx, itemID, items.Change{From: it.State, To: items.StateApproved, Reason: why,
		Actor: reviewer, At: now, Detail: map[string]any{"draft_id": draftID}}); err != nil {
		return false, err
	}
	if _, err := s.river.InsertTx(ctx, tx, SendArgs{DraftID: draftID}, nil); err != nil {
		return false, fmt.Errorf("enqueue sending draft %d: %w", draftID, err)
	}
	return true, nil
}

// Withdraw rejects, in tx, the drafts still waiting for review of items
// that were closed without a reply (the members of a closed incident), so
// that they leave the approval queue with the reason recorded. It returns
// how many drafts it withdrew.
func Withdraw(ctx context.Context, tx pgx.Tx, itemIDs []int64, actor, reason string, at time.Time) (int, error) {
	rows, err := tx.Query(ctx, queries.Get("WithdrawDrafts"), itemIDs, actor, reason, at)
	if err != nil {
		return 0, fmt.Errorf("withdraw drafts: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return 0, fmt.Errorf("withdraw drafts: %w", err)
	}
	from := StatePendingReview
	for _, id := range ids {
		if err := writeEvent(ctx, tx, id, event{action: "withdrawn", actor: actor, from: &from, to: StateRejected, reason: reason}, at); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// Closable lists the states from which a reviewer may close an item
// without a reply: routed and waiting, drafted, or handed to a human.
var Closable = []items.State{items.StateClassified, items.StatePendingReview, items.StateNeedsHuman}

// Dismiss closes an item that needs no reply (handled elsewhere, a risk
// dealt with by its team, chatter): the item moves to closed with the
// reviewer's reason, and its draft, if one waits for review, is withdrawn.
// An item in another state is a conflict.
func (s *Service) Dismiss(ctx context.Context, itemID int64, reviewer, reason string) (items.Item, error) {
	if strings.TrimSpace(reviewer) == "" || strings.TrimSpace(reason) == "" {
		return items.Item{}, apperr.Invalid("invalid close", apperr.FieldError{Field: "reviewer", Message: "required"},
			apperr.FieldError{Field: "reason", Message: "required"})
	}
	var it items.Item
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if it, err = items.NewStore(tx).Get(ctx, itemID); err != nil {
			return err
		}
		if !slices.Contains(Closable, it.State) {
			return apperr.Errorf(apperr.ECONFLICT, "item %d is %s; only %v items can be closed", itemID, it.State, Closable)
		}
		now := s.now()
		if err := items.NewStore(tx).Transition(ctx, itemID, items.Change{From: it.State, To: items.StateClosed,
			Reason: reason, Actor: reviewer, At: now}); err != nil {
			return err
		}
		if _, err := Withdraw(ctx, tx, []int64{itemID}, reviewer, reason, now); err != nil {
			return err
		}
		it, err = items.NewStore(tx).Get(ctx, itemID)
		return err
	})
	return it, err
}
