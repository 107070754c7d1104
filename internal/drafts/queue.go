package drafts

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// QueueFilter narrows the review queue. Empty fields do not filter.
type QueueFilter struct {
	State    State // StatePendingReview when empty
	Channel  string
	Intent   string
	Risk     string
	Assignee string
	// MinAge keeps drafts of items received at least this long ago.
	MinAge time.Duration
	Limit  int // DefaultQueueLimit when 0, at most MaxQueueLimit
	Offset int
	// ClusterID keeps the drafts of one near-duplicate cluster's items.
	ClusterID int64
	// BySLA orders by SLA deadline (items without one last) instead of
	// urgency.
	BySLA bool
}

// Queue limits.
const (
	DefaultQueueLimit = 50
	MaxQueueLimit     = 500
)

// QueueEntry is one line of the review queue.
type QueueEntry struct {
	DraftID    int64      `json:"draft_id"`
	ItemID     int64      `json:"item_id"`
	State      State      `json:"state"`
	Version    int        `json:"version"`
	Assignee   string     `json:"assignee,omitempty"`
	Flags      []Flag     `json:"flags"`
	CreatedAt  time.Time  `json:"created_at"`
	Channel    string     `json:"channel"`
	Author     string     `json:"author"`
	Text       string     `json:"text"`
	ReceivedAt time.Time  `json:"received_at"`
	Team       string     `json:"team,omitempty"`
	Priority   string     `json:"priority,omitempty"`
	SLADueAt   *time.Time `json:"sla_due_at,omitempty"`
	ClusterID  *int64     `json:"cluster_id,omitempty"`
	Intent     string     `json:"intent"`
	Risk       string     `json:"risk"`
	Severity   string     `json:"severity"`
	Urgency    string     `json:"urgency"`
	Sarcasm    bool       `json:"sarcasm"`
	Topic      string     `json:"topic"`
	Summary    string     `json:"summary"`
}

// Queue lists drafts to review, most urgent first, then oldest first.
func (s *Service) Queue(ctx context.Context, f QueueFilter) ([]QueueEntry, error) {
	limit := min(cmp.Or(f.Limit, DefaultQueueLimit), MaxQueueLimit)
	rows, err := s.pool.Query(ctx, queries.Get("Queue"), cmp.Or(f.State, StatePendingReview), f.Channel, f.Intent, f.Risk,
		f.Assignee, s.now().Add(-f.MinAge), limit, max(f.Offset, 0), f.ClusterID, f.BySLA)
	if err != nil {
		return nil, fmt.Errorf("review queue: %w", err)
	}
	entries, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (QueueEntry, error) {
		var e QueueEntry
		err := r.Scan(&e.DraftID, &e.ItemID, &e.State, &e.Version, &e.Assignee, &e.Flags, &e.CreatedAt,
			&e.Channel, &e.Author, &e.Text, &e.ReceivedAt, &e.Team, &e.Priority, &e.SLADueAt, &e.ClusterID, &e.Intent, &e.Risk, &e.Severity, &e.Urgency, &e.Sarcasm, &e.Topic, &e.Summary)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("review queue: %w", err)
	}
	return entries, nil
}

// Pending returns how many drafts wait for review.
func (s *Service) Pending(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, queries.Get("QueueCount")).Scan(&n); err != nil {
		return 0, fmt.Errorf("count pending drafts: %w", err)
	}
	return n, nil
}
