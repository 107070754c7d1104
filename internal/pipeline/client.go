package pipeline

import (
	"cmp"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
)

// DefaultConcurrency is the number of triage jobs one worker process runs
// at once. Model calls are further bounded by the backend's own limit.
const DefaultConcurrency = 10

// ClientConfig configures the River client of a process.
type ClientConfig struct {
	// Triage and Rescue are the workers to run; leave both nil for an
	// insert-only client (the API process).
	Triage *TriageWorker
	Rescue *RescueWorker
	// Concurrency is the triage queue's MaxWorkers. Defaults to
	// DefaultConcurrency.
	Concurrency int
	// RetryPolicy overrides River's default backoff (attempt⁴ seconds);
	// tests shorten it.
	RetryPolicy river.ClientRetryPolicy
	// RescueStuckJobsAfter is how long a running job may go without
	// finishing before River assumes its worker died and retries it.
	// Defaults to the triage job timeout plus a minute.
	RescueStuckJobsAfter time.Duration
	Logger               *slog.Logger
	// TestOnly disables River's staggered start, for tests.
	TestOnly bool
}

// NewClient returns a River client for pool: with workers it is started to
// process the triage and maintenance queues; without, it only inserts.
func NewClient(pool *pgxpool.Pool, cfg ClientConfig) (*river.Client[pgx.Tx], error) {
	rc := &river.Config{
		Logger:      cmp.Or(cfg.Logger, slog.Default()),
		RetryPolicy: cfg.RetryPolicy,
		TestOnly:    cfg.TestOnly,
	}
	if cfg.Triage != nil {
		workers := river.NewWorkers()
		river.AddWorker(workers, cfg.Triage)
		rc.Workers = workers
		rc.Queues = map[string]river.QueueConfig{
			// A short cooldown lets fast backends (the local model) run
			// hundreds of jobs a second; slow ones are bound by MaxWorkers.
			QueueTriage:      {MaxWorkers: cmp.Or(cfg.Concurrency, DefaultConcurrency), FetchCooldown: 20 * time.Millisecond},
			QueueMaintenance: {MaxWorkers: 2},
		}
		rc.JobTimeout = cfg.Triage.config.JobTimeout
		rc.RescueStuckJobsAfter = cmp.Or(cfg.RescueStuckJobsAfter, cfg.Triage.config.JobTimeout+time.Minute)
		if cfg.Rescue != nil {
			river.AddWorker(workers, cfg.Rescue)
			rc.PeriodicJobs = []*river.PeriodicJob{cfg.Rescue.PeriodicJob()}
		}
	}
	client, err := river.NewClient(riverpgxv5.New(pool), rc)
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	return client, nil
}
