package drafts

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/items"
)

// Service is the reviewer's side of drafts: the queue, one draft, and the
// review actions.
type Service struct {
	pool  *pgxpool.Pool
	river *river.Client[pgx.Tx]
	now   func() time.Time
}

// NewService returns a Service; client enqueues send jobs (an insert-only
// client is enough).
func NewService(pool *pgxpool.Pool, client *river.Client[pgx.Tx]) *Service {
	return &Service{pool: pool, river: client, now: time.Now}
}

// Get returns a draft, or ENOTFOUND.
func (s *Service) Get(ctx context.Context, id int64) (Draft, error) {
	return get(ctx, s.pool, id, false)
}

// Events returns a draft's audit trail.
func (s *Service) Events(ctx context.Context, id int64) ([]Event, error) {
	return events(ctx, s.pool, id)
}

// ByItem returns the draft of an item, or ENOTFOUND.
func (s *Service) ByItem(ctx context.Context, itemID int64) (Draft, error) {
	var id int64
	if err := s.pool.QueryRow(ctx, queries.Get("DraftIDByItem"), itemID).Scan(&id); err != nil {
		if err == pgx.ErrNoRows {
			return Draft{}, apperr.Errorf(apperr.ENOTFOUND, "item %d has no draft", itemID)
		}
		return Draft{}, fmt.Errorf("find draft of item %d: %w", itemID, err)
	}
	return s.Get(ctx, id)
}

// Action is a reviewer's decision on a draft.
type Action struct {
	// Kind is "approve", "reject" or "reassign".
	Kind string
	// Version is the draft version the reviewer saw; required.
	Version int
	// Reviewer names who acts; required.
	Reviewer string
	// Body, for approve: the text to send when the reviewer edited it
	// (empty or unchanged approves the draft as written).
	Body string
	// Reason, for reject: why; required.
	Reason string
	// Assignee, for reassign: who should review it instead; required.
	Assignee string
}

// Review actions.
const (
	ActionApprove  = "approve"
	ActionReject   = "reject"
	ActionReassign = "reassign"
)

// MaxReasonBytes bounds a rejection reason.
const MaxReasonBytes = 1000

func (a Action) validate() error {
	var fields []apperr.FieldError
	bad := func(f, m string) { fields = append(fields, apperr.FieldError{Field: f, Message: m}) }
	if a.Version < 1 {
		bad("version", "required: the version of the draft you reviewed")
	}
	if strings.TrimSpace(a.Reviewer) == "" {
		bad("reviewer", "required")
	}
	switch a.Kind {
	case ActionApprove:
		if len(a.Body) > MaxReplyBytes {
			bad("body", fmt.Sprintf("%d bytes; at most %d", len(a.Body), MaxReplyBytes))
		}
	case ActionReject:
		if strings.TrimSpace(a.Reason) == "" || len(a.Reason) > MaxReasonBytes {
			bad("reason", fmt.Sprintf("required, at most %d bytes", MaxReasonBytes))
		}
	case ActionReassign:
		if strings.TrimSpace(a.Assignee) == "" {
			bad("assignee", "required")
		}
	default:
		bad("action", "must be approve, reject or reassign")
	}
	if len(fields) > 0 {
		return apperr.Invalid("invalid review", fields...)
	}
	return nil
}

// Review applies a reviewer's action, atomically: the draft moves only if
// it is still pending review at the version the reviewer saw (otherwise
// ECONFLICT: someone else acted first, reload), the action is audited, the
// item follows (approved or closed), and an approval enqueues the send job
// in the same transaction, so an approved draft is always delivered and
// nothing else ever is.
func (s *Service) Review(ctx context.Context, id int64, a Action) (Draft, error) {
	if err := a.validate(); err != nil {
		return Draft{}, err
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		d, err := get(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if d.State != StatePendingReview || d.Version != a.Version {
			return apperr.Errorf(apperr.ECONFLICT, "draft %d is %s at version %d, not pending review at version %d: reload it",
				id, d.State, d.Version, a.Version)
		}
		return s.apply(ctx, tx, d, a)
	})
	if err != nil {
		return Draft{}, err
	}
	return s.Get(ctx, id)
}

func (s *Service) apply(ctx context.Context, tx pgx.Tx, d Draft, a Action) error {
	now := s.now()
	to, final, e := d.State, (*string)(nil), event{actor: a.Reviewer, from: &d.State}
	itemTo, itemReason := items.State(""), ""
	assignee := d.Assignee
	switch a.Kind {
	case ActionApprove:
		body := strings.TrimSpace(a.Body)
		if body == "" || body == d.Body {
			to, body, e.action = StateApproved, d.Body, "approved"
		} else {
			to, e.action, e.before, e.after = StateEdited, "edited", d.Body, body
		}
		final, itemTo = &body, items.StateApproved
	case ActionReject:
		to, e.action, e.reason = StateRejected, "rejected", a.Reason
		itemTo, itemReason = items.StateClosed, "draft rejected by "+a.Reviewer+": "+a.Reason
	case ActionReassign:
		e.action, e.reason, assignee = "reassigned", "to "+a.Assignee, a.Assignee
	}
	e.to = to
	var version int
	err := tx.QueryRow(ctx, queries.Get("UpdateReview"), d.ID, d.Version, to, final, reviewerOf(a, d), rejectReason(a), assignee, now).Scan(&version)
	if err != nil {
		return fmt.Errorf("review draft %d: %w", d.ID, err)
	}
	if err := writeEvent(ctx, tx, d.ID, e, now); err != nil {
		return err
	}
	if itemTo == "" {
		return nil
	}
	if err := items.NewStore(tx).Transition(ctx, d.ItemID, items.Change{From: items.StatePendingReview, To: itemTo,
		Reason: itemReason, Actor: a.Reviewer, At: now, Detail: map[string]any{"draft_id": d.ID, "action": e.action}}); err != nil {
		return err
	}
	if to.Approved() {
		if _, err := s.river.InsertTx(ctx, tx, SendArgs{DraftID: d.ID}, nil); err != nil {
			return fmt.Errorf("enqueue sending draft %d: %w", d.ID, err)
		}
	}
	return nil
}

func reviewerOf(a Action, d Draft) string {
	if a.Kind == ActionReassign {
		return d.Reviewer
	}
	return a.Reviewer
}

func rejectReason(a Action) string {
	if a.Kind == ActionReject {
		return a.Reason
	}
	return ""
}
