// Package incidents is the operating side of a surge: a cluster of
// near-duplicates that grew faster than its baseline (see package
// clusters) becomes an incident, listed with its growth and members,
// answered with one approved reply sent to every member, and closed as one.
package incidents

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/drafts"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/postgres"
)

//go:embed queries.sql
var queriesSQL string

var queries = postgres.ParseQueries(queriesSQL)

// Incident is an open or closed surge.
type Incident struct {
	ID        int64      `json:"id"`
	ClusterID int64      `json:"cluster_id"`
	Title     string     `json:"title"`
	Team      string     `json:"team"`
	Priority  string     `json:"priority"`
	State     string     `json:"state"`
	OpenedAt  time.Time  `json:"opened_at"`
	ClosedAt  *time.Time `json:"closed_at,omitempty"`
	ClosedBy  string     `json:"closed_by,omitempty"`
	Reason    string     `json:"reason,omitempty"`
	// Growth: members in all, channel family, last arrival, members in
	// the last hour.
	Size       int       `json:"size"`
	Family     string    `json:"channel_family"`
	LastItemAt time.Time `json:"last_item_at"`
	LastHour   int       `json:"last_hour"`
	Members    []Member  `json:"members,omitempty"`
}

// Member is an item of an incident.
type Member struct {
	ItemID     int64       `json:"item_id"`
	Channel    string      `json:"channel"`
	Author     string      `json:"author"`
	State      items.State `json:"state"`
	ReceivedAt time.Time   `json:"received_at"`
	Text       string      `json:"text"`
}

// Replier sends one approved reply to many items (drafts.Service).
type Replier interface {
	ReplyAll(ctx context.Context, tx pgx.Tx, itemIDs []int64, body, reviewer, why string) (int, error)
}

// Service lists, answers and closes incidents.
type Service struct {
	pool    *pgxpool.Pool
	replier Replier
	now     func() time.Time
}

// NewService returns a Service.
func NewService(pool *pgxpool.Pool, replier Replier) *Service {
	return &Service{pool: pool, replier: replier, now: time.Now}
}

func scan(row pgx.Row) (Incident, error) {
	var n Incident
	err := row.Scan(&n.ID, &n.ClusterID, &n.Title, &n.Team, &n.Priority, &n.State, &n.OpenedAt, &n.ClosedAt, &n.ClosedBy,
		&n.Reason, &n.Size, &n.Family, &n.LastItemAt, &n.LastHour)
	return n, err
}

// List returns incidents, open ones first; state filters ("open",
// "closed", or "" for all).
func (s *Service) List(ctx context.Context, state string) ([]Incident, error) {
	rows, err := s.pool.Query(ctx, queries.Get("ListIncidents"), state, s.now().Add(-time.Hour))
	if err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Incident, error) { return scan(r) })
	if err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	return out, nil
}

// Get returns an incident with its members, or ENOTFOUND.
func (s *Service) Get(ctx context.Context, id int64) (Incident, error) {
	n, err := scan(s.pool.QueryRow(ctx, queries.Get("GetIncident"), id, s.now().Add(-time.Hour)))
	if errors.Is(err, pgx.ErrNoRows) {
		return n, apperr.Errorf(apperr.ENOTFOUND, "incident %d not found", id)
	}
	if err != nil {
		return n, fmt.Errorf("get incident %d: %w", id, err)
	}
	rows, err := s.pool.Query(ctx, queries.Get("Members"), n.ClusterID)
	if err != nil {
		return n, fmt.Errorf("members of incident %d: %w", id, err)
	}
	n.Members, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Member])
	return n, err
}

// Reply approves body as the reply to every member still waiting for one
// and queues each send; it returns how many members will get it.
func (s *Service) Reply(ctx context.Context, id int64, body, reviewer string) (int, error) {
	var n int
	err := s.withOpen(ctx, id, func(tx pgx.Tx, cluster int64) error {
		ids, err := openMembers(ctx, tx, cluster)
		if err != nil {
			return err
		}
		n, err = s.replier.ReplyAll(ctx, tx, ids, body, reviewer, fmt.Sprintf("incident %d reply", id))
		return err
	})
	return n, err
}

// Close closes the incident and every member still open (waiting, drafted
// or with a human), with the reason, and withdraws the members' drafts
// still waiting for review; it returns how many members it closed.
func (s *Service) Close(ctx context.Context, id int64, actor, reason string) (int, error) {
	if strings.TrimSpace(actor) == "" || strings.TrimSpace(reason) == "" {
		return 0, apperr.Invalid("invalid close", apperr.FieldError{Field: "reviewer", Message: "required"},
			apperr.FieldError{Field: "reason", Message: "required"})
	}
	var closed int
	err := s.withOpen(ctx, id, func(tx pgx.Tx, cluster int64) error {
		now := s.now()
		rows, err := tx.Query(ctx, queries.Get("OpenMembers"), cluster)
		if err != nil {
			return err
		}
		type member struct {
			ID    int64
			State items.State
		}
		ms, err := pgx.CollectRows(rows, pgx.RowToStructByPos[member])
		if err != nil {
			return err
		}
		ids := make([]int64, 0, len(ms))
		for _, m := range ms {
			ids = append(ids, m.ID)
			if err := items.NewStore(tx).Transition(ctx, m.ID, items.Change{From: m.State, To: items.StateClosed,
				Reason: fmt.Sprintf("incident %d closed by %s: %s", id, actor, reason), Actor: actor, At: now,
				Detail: map[string]any{"incident_id": id}}); err != nil {
				return err
			}
			closed++
		}
		if _, err := drafts.Withdraw(ctx, tx, ids, actor, fmt.Sprintf("incident %d closed: %s", id, reason), now); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, queries.Get("CloseIncident"), id, now, actor, reason)
		return err
	})
	return closed, err
}

// withOpen runs fn in a transaction holding the incident's row, if it is
// open.
func (s *Service) withOpen(ctx context.Context, id int64, fn func(tx pgx.Tx, cluster int64) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var cluster int64
		var state string
		err := tx.QueryRow(ctx, queries.Get("LockIncident"), id).Scan(&cluster, &state)
		if errors.Is(err, pgx.ErrNoRows) {
			return apperr.Errorf(apperr.ENOTFOUND, "incident %d not found", id)
		}
		if err != nil {
			return err
		}
		if state != "open" {
			return apperr.Errorf(apperr.ECONFLICT, "incident %d is %s", id, state)
		}
		return fn(tx, cluster)
	})
}

func openMembers(ctx context.Context, tx pgx.Tx, cluster int64) ([]int64, error) {
	rows, err := tx.Query(ctx, queries.Get("OpenMembers"), cluster)
	if err != nil {
		return nil, err
	}
	var ids []int64
	var id int64
	var state string
	_, err = pgx.ForEachRow(rows, []any{&id, &state}, func() error { ids = append(ids, id); return nil })
	return ids, err
}
