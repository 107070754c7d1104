package pipeline

import (
	"cmp"
	"context"
	_ "embed"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/triage-oss/triage/internal/postgres"
)

//go:embed queries.sql
var queriesSQL string

var queries = postgres.ParseQueries(queriesSQL)

// Defaults of RescueConfig.
const (
	DefaultRescueInterval = 5 * time.Minute
	DefaultRescueGrace    = 10 * time.Minute
	rescueBatch           = 1000
)

// RescueConfig configures a RescueWorker.
type RescueConfig struct {
	// Interval between scans. Defaults to DefaultRescueInterval.
	Interval time.Duration
	// Grace is how long an item may wait before it counts as stranded.
	// Defaults to DefaultRescueGrace.
	Grace       time.Duration
	MaxAttempts int
	Logger      *slog.Logger
	Now         func() time.Time
}

// RescueWorker re-enqueues items stranded in state received without a live
// triage job, so that no item waits forever.
type RescueWorker struct {
	river.WorkerDefaults[RescueArgs]
	pool   *pgxpool.Pool
	config RescueConfig
}

var _ river.Worker[RescueArgs] = (*RescueWorker)(nil)

// NewRescueWorker returns a RescueWorker.
func NewRescueWorker(pool *pgxpool.Pool, cfg RescueConfig) *RescueWorker {
	cfg.Interval = cmp.Or(cfg.Interval, DefaultRescueInterval)
	cfg.Grace = cmp.Or(cfg.Grace, DefaultRescueGrace)
	cfg.MaxAttempts = cmp.Or(cfg.MaxAttempts, DefaultMaxAttempts)
	cfg.Logger = cmp.Or(cfg.Logger, slog.Default())
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &RescueWorker{pool: pool, config: cfg}
}

// PeriodicJob schedules the rescue scan.
func (w *RescueWorker) PeriodicJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(w.config.Interval),
		func() (river.JobArgs, *river.InsertOpts) { return RescueArgs{}, nil },
		&river.PeriodicJobOpts{ID: "triage_rescue"})
}

// Work enqueues a triage job for every stranded item.
func (w *RescueWorker) Work(ctx context.Context, job *river.Job[RescueArgs]) error {
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return err
	}
	n, err := Rescue(ctx, w.pool, client, w.config.Now().Add(-w.config.Grace), w.config.MaxAttempts)
	if n > 0 {
		w.config.Logger.WarnContext(ctx, "re-enqueued stranded items", "count", n)
	}
	return err
}

// Rescue enqueues a triage job for every item received before `before` that
// is still waiting without a live job, and returns how many it enqueued.
func Rescue(ctx context.Context, pool *pgxpool.Pool, client *river.Client[pgx.Tx], before time.Time, maxAttempts int) (int, error) {
	rows, err := pool.Query(ctx, queries.Get("StrandedItems"), before, rescueBatch)
	if err != nil {
		return 0, fmt.Errorf("find stranded items: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	params := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		params[i] = river.InsertManyParams{Args: TriageArgs{ItemID: id}, InsertOpts: &river.InsertOpts{MaxAttempts: maxAttempts}}
	}
	if _, err := client.InsertMany(ctx, params); err != nil {
		return 0, fmt.Errorf("re-enqueue %d stranded items: %w", len(ids), err)
	}
	return len(ids), nil
}
