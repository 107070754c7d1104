package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/triage-oss/triage/internal/calllog"
	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/pipeline"
)

// ShutdownGrace is how long a stopping worker lets in-flight jobs finish
// before cancelling them; cancelled jobs are released to the queue without
// spending an attempt.
const ShutdownGrace = 30 * time.Second

// Worker is the triage worker process.
type Worker struct {
	Pool   *pgxpool.Pool
	River  *river.Client[pgx.Tx]
	Logger *slog.Logger
}

// WorkerOptions adjusts a worker for tests and the demo.
type WorkerOptions struct {
	// Classifier replaces the one built from the configuration.
	Classifier pipeline.Classifier
	// RetryPolicy replaces River's backoff.
	RetryPolicy river.ClientRetryPolicy
	TestOnly    bool
}

// NewWorker opens the database (refusing one that is behind) and builds the
// River client with the triage and rescue workers.
func NewWorker(ctx context.Context, cfg config.Config, log *slog.Logger, opts WorkerOptions) (*Worker, error) {
	pool, err := OpenDatabase(ctx, cfg.DatabaseURL, int32(cfg.WorkerConcurrency+5))
	if err != nil {
		return nil, err
	}
	w, err := newWorker(pool, cfg, log, opts)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return w, nil
}

func newWorker(pool *pgxpool.Pool, cfg config.Config, log *slog.Logger, opts WorkerOptions) (*Worker, error) {
	classifier := opts.Classifier
	if classifier == nil {
		c, err := NewClassifier(cfg, calllog.NewStore(pool), log)
		if err != nil {
			return nil, fmt.Errorf("classifier: %w", err)
		}
		classifier = c
	}
	triage := pipeline.NewTriageWorker(pool, classifier, pipeline.WorkerConfig{DuplicateWindow: cfg.DuplicateWindow, Logger: log})
	rescue := pipeline.NewRescueWorker(pool, pipeline.RescueConfig{MaxAttempts: cfg.MaxAttempts, Logger: log})
	client, err := pipeline.NewClient(pool, pipeline.ClientConfig{Triage: triage, Rescue: rescue,
		Concurrency: cfg.WorkerConcurrency, RetryPolicy: opts.RetryPolicy, Logger: log, TestOnly: opts.TestOnly})
	if err != nil {
		return nil, err
	}
	return &Worker{Pool: pool, River: client, Logger: log}, nil
}

// Run works jobs until ctx is cancelled, then stops gracefully: in-flight
// jobs get ShutdownGrace to finish, after which they are cancelled and
// released to the queue for another worker.
func (w *Worker) Run(ctx context.Context) error {
	if err := w.River.Start(ctx); err != nil {
		return fmt.Errorf("start river: %w", err)
	}
	w.Logger.Info("worker started", "queues", []string{pipeline.QueueTriage, pipeline.QueueMaintenance})
	<-ctx.Done()
	w.Logger.Info("worker stopping; finishing in-flight jobs", "grace", ShutdownGrace)
	soft, cancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownGrace)
	defer cancel()
	err := w.River.Stop(soft)
	if errors.Is(err, context.DeadlineExceeded) {
		w.Logger.Warn("grace period over; cancelling in-flight jobs")
		hard, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		err = w.River.StopAndCancel(hard)
	}
	if err != nil {
		return fmt.Errorf("stop river: %w", err)
	}
	w.Logger.Info("worker stopped")
	return nil
}

// Close releases the database pool.
func (w *Worker) Close() { w.Pool.Close() }
