package items

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/postgres"
)

//go:embed queries.sql
var queriesSQL string

var queries = postgres.ParseQueries(queriesSQL)

// Store keeps items and their history in PostgreSQL.
type Store struct {
	db postgres.DB
}

// NewStore returns a store running its statements on db: a pool, or a
// transaction when the caller composes several steps atomically.
func NewStore(db postgres.DB) *Store { return &Store{db: db} }

// WithTx returns a store that runs its statements in tx.
func (s *Store) WithTx(tx pgx.Tx) *Store { return &Store{db: tx} }

// Inserted is the outcome of inserting one NewItem.
type Inserted struct {
	ID         int64  `json:"id"`
	Channel    string `json:"channel"`
	ExternalID string `json:"external_id"`
	State      State  `json:"state"`
	// Created is false when an item with the same channel and external_id
	// already existed; ID then names that item and nothing was stored.
	Created bool `json:"created"`
}

// Insert stores the items that do not exist yet, each with its first event
// (actor names who delivered it), and returns one Inserted per input, in
// input order. Items must have passed NewItem.Validate. Run it in the
// transaction that also enqueues the new items' jobs.
func (s *Store) Insert(ctx context.Context, batch []NewItem, actor string, now time.Time) ([]Inserted, error) {
	cols := make([][]string, 8)
	hashes := make([][]byte, len(batch))
	created := make([]time.Time, len(batch))
	for i, n := range batch {
		if n.textHash == nil {
			return nil, fmt.Errorf("insert items: items[%d] was not validated", i)
		}
		for c, v := range []string{n.Channel, n.ExternalID, n.Author, n.URL, n.ThreadID, n.ParentID, string(n.Metadata), n.Text} {
			cols[c] = append(cols[c], v)
		}
		hashes[i], created[i] = n.textHash, n.createdAt
	}
	rows, err := s.db.Query(ctx, queries.Get("InsertItems"), cols[0], cols[1], cols[2], cols[3], cols[4], cols[5],
		cols[6], cols[7], hashes, created, now, actor)
	if err != nil {
		return nil, fmt.Errorf("insert items: %w", err)
	}
	byKey := map[[2]string]Inserted{}
	if err := collect(rows, byKey, true); err != nil {
		return nil, fmt.Errorf("insert items: %w", err)
	}
	if len(byKey) < len(batch) {
		rows, err := s.db.Query(ctx, queries.Get("LookupByKeys"), cols[0], cols[1])
		if err != nil {
			return nil, fmt.Errorf("look up existing items: %w", err)
		}
		if err := collect(rows, byKey, false); err != nil {
			return nil, fmt.Errorf("look up existing items: %w", err)
		}
	}
	out := make([]Inserted, len(batch))
	seen := map[[2]string]bool{}
	for i, n := range batch {
		k := [2]string{n.Channel, n.ExternalID}
		r, ok := byKey[k]
		if !ok {
			return nil, fmt.Errorf("insert items: items[%d] (%s/%s) neither inserted nor found", i, n.Channel, n.ExternalID)
		}
		out[i] = r
		out[i].Created = out[i].Created && !seen[k] // a repeat within the batch created nothing
		seen[k] = true
	}
	return out, nil
}

func collect(rows pgx.Rows, byKey map[[2]string]Inserted, created bool) error {
	defer rows.Close()
	for rows.Next() {
		in := Inserted{Created: created, State: StateReceived}
		dest := []any{&in.ID, &in.Channel, &in.ExternalID}
		if !created {
			dest = append(dest, &in.State)
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		k := [2]string{in.Channel, in.ExternalID}
		if _, ok := byKey[k]; !ok {
			byKey[k] = in
		}
	}
	return rows.Err()
}

// scanItem reads the columns of the GetItem and Thread queries.
func scanItem(row pgx.Row) (Item, error) {
	var it Item
	err := row.Scan(&it.ID, &it.Channel, &it.ExternalID, &it.Author,
		&it.URL, &it.ThreadID, &it.ParentID, &it.Metadata, &it.Text, &it.State, &it.StateReason, &it.DuplicateOf,
		&it.Team, &it.Priority, &it.RoutingRule, &it.SLADueAt, &it.SLABreachedAt, &it.ClusterID,
		&it.CreatedAt, &it.ReceivedAt, &it.UpdatedAt)
	return it, err
}

// Thread returns up to limit items of the thread of it on its channel, oldest
// first, it included; an item outside any thread is its own thread.
func (s *Store) Thread(ctx context.Context, it Item, limit int) ([]Item, error) {
	if it.ThreadID == "" {
		return []Item{it}, nil
	}
	rows, err := s.db.Query(ctx, queries.Get("Thread"), it.Channel, it.ThreadID, limit)
	if err != nil {
		return nil, fmt.Errorf("thread of item %d: %w", it.ID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Item, error) { return scanItem(r) })
	if err != nil {
		return nil, fmt.Errorf("thread of item %d: %w", it.ID, err)
	}
	return out, nil
}

// Get returns the item with the given id, or an ENOTFOUND error.
func (s *Store) Get(ctx context.Context, id int64) (Item, error) {
	it, err := scanItem(s.db.QueryRow(ctx, queries.Get("GetItem"), id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Item{}, apperr.Errorf(apperr.ENOTFOUND, "item %d not found", id)
	}
	if err != nil {
		return Item{}, fmt.Errorf("get item %d: %w", id, err)
	}
	return it, nil
}

// Events returns the state history of an item, oldest first.
func (s *Store) Events(ctx context.Context, itemID int64) ([]Event, error) {
	rows, err := s.db.Query(ctx, queries.Get("ListEvents"), itemID)
	if err != nil {
		return nil, fmt.Errorf("list events of item %d: %w", itemID, err)
	}
	evs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Event, error) {
		var e Event
		err := r.Scan(&e.ID, &e.ItemID, &e.From, &e.To, &e.Reason, &e.Actor, &e.Detail, &e.At)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("list events of item %d: %w", itemID, err)
	}
	return evs, nil
}

// Change describes a transition for [Store.Transition].
type Change struct {
	From, To    State
	Reason      string // why, shown to reviewers; stored as the item's state_reason
	Actor       string // who: "worker", "api", a user name
	Detail      any    // optional JSON-encodable detail for the event
	DuplicateOf int64  // for StateDuplicate: the original item
	At          time.Time
}

// ErrStateChanged is wrapped by the error Transition returns when the item
// is no longer in the expected state (another worker got there first).
var ErrStateChanged = errors.New("item is not in the expected state")

// Transition moves an item from c.From to c.To and appends the event. It
// fails with an error wrapping ErrStateChanged (code ECONFLICT) when the
// item is not in c.From.
func (s *Store) Transition(ctx context.Context, id int64, c Change) error {
	var dup *int64
	if c.DuplicateOf != 0 {
		dup = &c.DuplicateOf
	}
	detail := c.Detail
	if detail == nil {
		detail = struct{}{}
	}
	var eventID int64
	err := s.db.QueryRow(ctx, queries.Get("Transition"), id, c.From, c.To, c.Reason, dup, c.Actor, c.At, detail).Scan(&eventID)
	if errors.Is(err, pgx.ErrNoRows) {
		if _, err := s.Get(ctx, id); err != nil {
			return err // ENOTFOUND, or the lookup's own failure
		}
		return &apperr.Error{Code: apperr.ECONFLICT, Message: fmt.Sprintf("item %d is not %s", id, c.From), Err: ErrStateChanged}
	}
	if err != nil {
		return fmt.Errorf("move item %d from %s to %s: %w", id, c.From, c.To, err)
	}
	return nil
}

// FindDuplicate returns the earliest item older than item id, of the same
// channel and with the same normalized text, received since `since` (resolved to its own original if it
// is a duplicate itself), and whether there is one.
func (s *Store) FindDuplicate(ctx context.Context, id int64, since time.Time) (int64, bool, error) {
	var orig int64
	err := s.db.QueryRow(ctx, queries.Get("FindDuplicate"), id, since).Scan(&orig)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("find duplicate of item %d: %w", id, err)
	}
	return orig, true, nil
}

// CountByState returns how many items are in each state.
func (s *Store) CountByState(ctx context.Context) (map[State]int64, error) {
	rows, err := s.db.Query(ctx, queries.Get("CountByState"))
	if err != nil {
		return nil, fmt.Errorf("count items by state: %w", err)
	}
	defer rows.Close()
	out := map[State]int64{}
	for rows.Next() {
		var st State
		var n int64
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count items by state: %w", err)
		}
		out[st] = n
	}
	return out, rows.Err()
}

// Annotate records an event that does not change the item's state: detail
// carries {"event": name} with the rest. It returns ENOTFOUND for an
// unknown item.
func (s *Store) Annotate(ctx context.Context, id int64, event, reason, actor string, detail map[string]any, at time.Time) error {
	d := map[string]any{"event": event}
	for k, v := range detail {
		d[k] = v
	}
	var eventID int64
	err := s.db.QueryRow(ctx, queries.Get("Annotate"), id, reason, actor, d, at).Scan(&eventID)
	if errors.Is(err, pgx.ErrNoRows) {
		return apperr.Errorf(apperr.ENOTFOUND, "item %d not found", id)
	}
	if err != nil {
		return fmt.Errorf("annotate item %d with %s: %w", id, event, err)
	}
	return nil
}
