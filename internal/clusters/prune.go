package clusters

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
)

// pruneBatch is how many vectors one statement of the prune deletes.
const pruneBatch = 5000

// PruneArgs is the periodic job that deletes item vectors received before
// every near-duplicate window: they are never compared again, and keeping
// them would grow the table and its indexes without end.
type PruneArgs struct{}

// Kind is the River job kind.
func (PruneArgs) Kind() string { return "item_embeddings_prune" }

// InsertOpts runs the prune on the maintenance queue.
func (PruneArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: "maintenance"} }

// PruneWorker runs PruneArgs jobs.
type PruneWorker struct {
	river.WorkerDefaults[PruneArgs]
	pool *pgxpool.Pool
	keep time.Duration
	now  func() time.Time
	log  *slog.Logger
}

var _ river.Worker[PruneArgs] = (*PruneWorker)(nil)

// NewPruneWorker returns a worker deleting the vectors of items received
// more than keep ago (the near-duplicate window; defaults to
// DefaultWindow).
func NewPruneWorker(pool *pgxpool.Pool, keep time.Duration, log *slog.Logger) *PruneWorker {
	return &PruneWorker{pool: pool, keep: cmp.Or(keep, DefaultWindow), now: time.Now, log: cmp.Or(log, slog.Default())}
}

// Work deletes, batch by batch, the vectors out of the window.
func (w *PruneWorker) Work(ctx context.Context, _ *river.Job[PruneArgs]) error {
	n, err := w.Prune(ctx)
	if n > 0 {
		w.log.InfoContext(ctx, "pruned item vectors out of the near-duplicate window", "vectors", n)
	}
	return err
}

// Prune deletes the vectors received before the window and returns how
// many it deleted.
func (w *PruneWorker) Prune(ctx context.Context) (int64, error) {
	before := w.now().Add(-w.keep)
	var total int64
	for {
		tag, err := w.pool.Exec(ctx, queries.Get("Prune"), before, pruneBatch)
		if err != nil {
			return total, fmt.Errorf("prune item vectors: %w", err)
		}
		total += tag.RowsAffected()
		if tag.RowsAffected() < pruneBatch {
			return total, nil
		}
	}
}

// PeriodicJob prunes every interval, and at start.
func (w *PruneWorker) PeriodicJob(interval time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) { return PruneArgs{}, nil },
		&river.PeriodicJobOpts{ID: "item_embeddings_prune", RunOnStart: true})
}
