package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/postgres"
)

// DefaultMaxAttempts is how many times a triage job runs before its item is
// handed to a human. With River's backoff (attempt⁴ seconds) six attempts
// span about 16 minutes.
const DefaultMaxAttempts = 6

// IngestConfig configures an Ingester.
type IngestConfig struct {
	// MaxAttempts of each triage job. Defaults to DefaultMaxAttempts.
	MaxAttempts int
	// Now is the clock. Defaults to time.Now.
	Now func() time.Time
	// Priority, when set, gives each new item's triage job a River
	// priority (1 first, up to 4): items that look risky to a cheap local
	// reading go ahead of a backlog. Nil: every job has priority
	// PriorityNormal.
	Priority func(n items.NewItem) int
}

// Triage job priorities (River: 1 runs first).
const (
	PriorityUrgent = 1 // risk or urgency seen at ingestion
	PriorityNormal = 2
)

// Ingester stores new items and enqueues their triage jobs atomically.
type Ingester struct {
	pool   *pgxpool.Pool
	river  *river.Client[pgx.Tx]
	config IngestConfig
}

// NewIngester returns an Ingester. client may be an insert-only River client.
func NewIngester(pool *pgxpool.Pool, client *river.Client[pgx.Tx], cfg IngestConfig) *Ingester {
	cfg.MaxAttempts = cmp.Or(cfg.MaxAttempts, DefaultMaxAttempts)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Ingester{pool: pool, river: client, config: cfg}
}

// Ingest stores the items of batch that are new and enqueues one triage job
// per new item, all in one transaction: either everything is stored or
// nothing is. Items must have been validated (items.DecodeBatch does it).
// actor names the source in the items' history ("api", "cli", a channel
// adapter). It returns one result per input item, in order; a redelivered
// item returns the existing one with Created false.
//
// A database that cannot be reached gives an EUNAVAILABLE error.
func (in *Ingester) Ingest(ctx context.Context, batch []items.NewItem, actor string) ([]items.Inserted, error) {
	var out []items.Inserted
	err := pgx.BeginFunc(ctx, in.pool, func(tx pgx.Tx) error {
		var err error
		out, err = items.NewStore(tx).Insert(ctx, batch, actor, in.config.Now())
		if err != nil {
			return err
		}
		return in.enqueue(ctx, tx, out, batch)
	})
	if err != nil {
		if postgres.IsUnavailable(err) {
			return nil, &apperr.Error{Code: apperr.EUNAVAILABLE, Message: "database unavailable, nothing was stored; retry later", Err: err}
		}
		return nil, fmt.Errorf("ingest %d items: %w", len(batch), err)
	}
	return out, nil
}

func (in *Ingester) enqueue(ctx context.Context, tx pgx.Tx, res []items.Inserted, batch []items.NewItem) error {
	params := make([]river.InsertManyParams, 0, len(res))
	for i, r := range res {
		if r.Created {
			params = append(params, river.InsertManyParams{
				Args:       TriageArgs{ItemID: r.ID},
				InsertOpts: &river.InsertOpts{MaxAttempts: in.config.MaxAttempts, Priority: in.priority(batch[i])},
			})
		}
	}
	if len(params) == 0 {
		return nil
	}
	// The items are new, so none can have a live triage job yet: COPY
	// (InsertManyFastTx, which fails on a unique conflict instead of
	// skipping it) writes the jobs, unique keys included, in about 30% less
	// time than an INSERT that checks each for a conflict.
	if _, err := in.river.InsertManyFastTx(ctx, tx, params); err != nil {
		return fmt.Errorf("enqueue triage jobs: %w", err)
	}
	return nil
}

func (in *Ingester) priority(n items.NewItem) int {
	if in.config.Priority == nil {
		return PriorityNormal
	}
	return min(max(in.config.Priority(n), 1), 4)
}
