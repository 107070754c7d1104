package items

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// Edited is what Store.Edit did.
type Edited struct {
	ID       int64
	Found    bool  // the item exists (an edit of an unknown message is the caller's to create)
	Changed  bool  // the text differs from what is stored (false: a replayed edit)
	From     State // the state before the edit
	Retriage bool  // the item went back to received and needs a triage job
}

// Retriageable lists the states an edit sends back to triage: decided by
// the pipeline, not yet by a person. An edit of an item a person handled
// (approved, replied, closed) is recorded and left to them.
var Retriageable = []State{StateClassified, StateNeedsHuman, StatePendingReview, StateFiltered, StateDuplicate, StateAutoClosed}

// Edit applies an edited message n (validated) to the stored item with the
// same channel and external id, in the caller's transaction: the text,
// URL and metadata are updated, and an item in a Retriageable state goes
// back to received (when allowRetriage) with its routing and cluster
// cleared, for the caller to enqueue its triage. The edit is in the
// item's history either way.
func (s *Store) Edit(ctx context.Context, n NewItem, actor string, at time.Time, allowRetriage bool) (Edited, error) {
	var e Edited
	var hash []byte
	err := s.db.QueryRow(ctx, queries.Get("LockByExternalID"), n.Channel, n.ExternalID).Scan(&e.ID, &e.From, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return e, nil
	}
	if err != nil {
		return e, fmt.Errorf("edit %s item %s: %w", n.Channel, n.ExternalID, err)
	}
	e.Found = true
	if bytes.Equal(hash, n.textHash) {
		return e, nil
	}
	e.Changed = true
	e.Retriage = allowRetriage && slices.Contains(Retriageable, e.From)
	meta := n.Metadata
	if len(meta) == 0 {
		meta = []byte(`{}`)
	}
	if _, err := s.db.Exec(ctx, queries.Get("UpdateText"), e.ID, n.Text, n.textHash, string(meta), n.URL, at, e.Retriage); err != nil {
		return e, fmt.Errorf("edit item %d: %w", e.ID, err)
	}
	detail := map[string]any{"event": "edited", "text_bytes": len(n.Text)}
	if !e.Retriage {
		return e, s.Annotate(ctx, e.ID, "edited", "edited on "+n.Channel, actor, detail, at)
	}
	return e, s.Transition(ctx, e.ID, Change{From: e.From, To: StateReceived, Reason: "edited on " + n.Channel + ": triaged again",
		Actor: actor, At: at, Detail: detail})
}

// Removed is what Store.Remove did.
type Removed struct {
	ID     int64
	Found  bool
	Closed bool // the item was open and is now closed
	From   State
}

// Removable lists the open states a platform delete closes.
var Removable = []State{StateReceived, StateClassified, StateNeedsHuman, StatePendingReview}

// Remove records that the message was deleted on its platform, in the
// caller's transaction: an open item is closed (nobody can answer a
// deleted message), any other is annotated. An unknown message is not an
// error: Found is false.
func (s *Store) Remove(ctx context.Context, channel, externalID, actor string, at time.Time) (Removed, error) {
	var r Removed
	var hash []byte
	err := s.db.QueryRow(ctx, queries.Get("LockByExternalID"), channel, externalID).Scan(&r.ID, &r.From, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, nil
	}
	if err != nil {
		return r, fmt.Errorf("delete %s item %s: %w", channel, externalID, err)
	}
	r.Found = true
	reason := "deleted on " + channel
	if !slices.Contains(Removable, r.From) {
		return r, s.Annotate(ctx, r.ID, "deleted", reason, actor, nil, at)
	}
	r.Closed = true
	return r, s.Transition(ctx, r.ID, Change{From: r.From, To: StateClosed, Reason: reason, Actor: actor, At: at,
		Detail: map[string]any{"event": "deleted"}})
}

// ParentText returns up to maxChars characters of the text of the message
// it replies to, and false when it replies to nothing Triage has.
func (s *Store) ParentText(ctx context.Context, it Item, maxChars int) (string, bool, error) {
	if it.ParentID == "" {
		return "", false, nil
	}
	var text string
	err := s.db.QueryRow(ctx, queries.Get("ParentText"), it.Channel, it.ParentID, maxChars).Scan(&text)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("parent of item %d: %w", it.ID, err)
	}
	return text, true, nil
}
