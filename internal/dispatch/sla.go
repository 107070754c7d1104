package dispatch

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/pipeline"
	"github.com/triage-oss/triage/internal/routing"
)

// Escalator decides what an SLA breach changes (routing.Rules).
type Escalator interface {
	Escalate(d routing.Decision) routing.Decision
}

// SLAScanArgs is the periodic job that flags SLA breaches.
type SLAScanArgs struct{}

// Kind is the River job kind.
func (SLAScanArgs) Kind() string { return "sla_scan" }

// InsertOpts runs scans on the maintenance queue.
func (SLAScanArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: pipeline.QueueMaintenance}
}

// slaBatch bounds the breaches flagged per transaction.
const slaBatch = 500

// SLAWorker flags open items past their deadline, once each, and
// escalates them.
type SLAWorker struct {
	river.WorkerDefaults[SLAScanArgs]
	pool      *pgxpool.Pool
	escalator Escalator
	log       *slog.Logger
	now       func() time.Time
}

var _ river.Worker[SLAScanArgs] = (*SLAWorker)(nil)

// NewSLAWorker returns an SLAWorker.
func NewSLAWorker(pool *pgxpool.Pool, e Escalator, log *slog.Logger) *SLAWorker {
	return &SLAWorker{pool: pool, escalator: e, log: cmp.Or(log, slog.Default()), now: time.Now}
}

// PeriodicJob schedules the scan every interval, and at start.
func (w *SLAWorker) PeriodicJob(interval time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) { return SLAScanArgs{}, nil },
		&river.PeriodicJobOpts{ID: "sla_scan", RunOnStart: true})
}

// Work flags every breach due now.
func (w *SLAWorker) Work(ctx context.Context, _ *river.Job[SLAScanArgs]) error {
	for {
		n, err := w.scan(ctx)
		if err != nil || n < slaBatch {
			return err
		}
	}
}

// Scan flags the breaches due now (at most one batch) and returns how many.
func (w *SLAWorker) scan(ctx context.Context) (int, error) {
	n := 0
	err := pgx.BeginFunc(ctx, w.pool, func(tx pgx.Tx) error {
		now := w.now()
		rows, err := tx.Query(ctx, queries.Get("DueForBreach"), now, slaBatch)
		if err != nil {
			return err
		}
		type due struct {
			ID                   int64
			Team, Priority, Rule *string
			State                items.State
		}
		list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[due])
		if err != nil {
			return err
		}
		client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
		if err != nil {
			return err
		}
		for _, d := range list {
			if err := w.breach(ctx, tx, client, d.ID, deref(d.Team), deref(d.Priority), deref(d.Rule), now); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if n > 0 {
		w.log.WarnContext(ctx, "SLA breaches flagged", "count", n)
	}
	return n, err
}

func (w *SLAWorker) breach(ctx context.Context, tx pgx.Tx, client *river.Client[pgx.Tx], id int64, team, priority, rule string, now time.Time) error {
	esc := w.escalator.Escalate(routing.Decision{Rule: rule, Team: team, Priority: priority})
	// A raised priority brings a new deadline, counted from the breach;
	// otherwise the item keeps the deadline it missed.
	var due *time.Time
	reason := fmt.Sprintf("SLA breached (%s, %s)", team, priority)
	if esc.Priority != priority {
		d := now.Add(esc.SLA)
		due = &d
		reason += fmt.Sprintf("; escalated to %s, due %s", esc.Priority, d.UTC().Format(time.RFC3339))
	}
	if esc.Notify != "" {
		reason += "; " + esc.Notify + " notified"
	}
	if _, err := tx.Exec(ctx, queries.Get("FlagBreach"), id, now, esc.Priority, due); err != nil {
		return fmt.Errorf("flag SLA breach of item %d: %w", id, err)
	}
	if err := items.NewStore(tx).Annotate(ctx, id, "sla_breached", reason, "sla-scanner",
		map[string]any{"team": team, "priority": priority, "escalated_priority": esc.Priority, "notify": esc.Notify}, now); err != nil {
		return err
	}
	for _, t := range []string{team, esc.Notify} {
		if t == "" {
			continue
		}
		if _, err := client.InsertTx(ctx, tx, NotifyArgs{ItemID: id, Event: routing.EventSLABreached, Team: t}, nil); err != nil {
			return err
		}
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
