package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/triage-oss/triage/internal/calllog"
	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/clusters"
	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/dispatch"
	"github.com/triage-oss/triage/internal/drafts"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/kb"
	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/pipeline"
	"github.com/triage-oss/triage/internal/routing"
)

// ShutdownGrace is how long a stopping worker lets in-flight jobs finish
// before cancelling them; cancelled jobs are released to the queue without
// spending an attempt.
const ShutdownGrace = 30 * time.Second

// Worker is the worker process: triage, drafts, sending, and the periodic
// housekeeping jobs.
type Worker struct {
	Pool   *pgxpool.Pool
	River  *river.Client[pgx.Tx]
	Logger *slog.Logger
}

// WorkerOptions adjusts a worker for tests and the demo.
type WorkerOptions struct {
	// Classifier replaces the one built from the configuration.
	Classifier pipeline.Classifier
	// Sender replaces the one built from the configuration.
	Sender drafts.Sender
	// RetryPolicy replaces River's backoff.
	RetryPolicy river.ClientRetryPolicy
	TestOnly    bool
}

// NewWorker opens the database (refusing one that is behind) and builds the
// River client with every worker.
func NewWorker(ctx context.Context, cfg config.Config, log *slog.Logger, opts WorkerOptions) (*Worker, error) {
	pool, err := OpenDatabase(ctx, cfg.DatabaseURL, int32(cfg.WorkerConcurrency+10))
	if err != nil {
		return nil, err
	}
	w, err := newWorker(ctx, pool, cfg, log, opts)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return w, nil
}

func newWorker(ctx context.Context, pool *pgxpool.Pool, cfg config.Config, log *slog.Logger, opts WorkerOptions) (*Worker, error) {
	rec := calllog.NewStore(pool)
	var completer classify.Completer
	if cfg.Backend != llm.BackendLocal {
		var err error
		if completer, err = NewCompleter(cfg, nil); err != nil {
			return nil, err
		}
	}
	classifier := opts.Classifier
	if classifier == nil {
		c, err := NewClassifier(cfg, completer, rec, log)
		if err != nil {
			return nil, fmt.Errorf("classifier: %w", err)
		}
		classifier = c
	}
	embedder, err := NewEmbedder(ctx, cfg, log)
	if err != nil {
		return nil, fmt.Errorf("embedder: %w", err)
	}
	writer, err := NewWriter(cfg, completer, rec)
	if err != nil {
		return nil, fmt.Errorf("draft writer: %w", err)
	}
	draftRules, err := DraftRules(cfg.DraftRules)
	if err != nil {
		return nil, err
	}
	routes, err := RoutingRules(cfg)
	if err != nil {
		return nil, err
	}
	sender := cmp.Or[drafts.Sender](opts.Sender, NewSender(cfg))

	local, err := NewLocal(cfg)
	if err != nil {
		return nil, err
	}
	dispatcher := dispatch.NewWorker(pool, routes, log).WithSecondOpinion(local)
	tcfg := pipeline.WorkerConfig{DuplicateWindow: cfg.DuplicateWindow, JobTimeout: cfg.JobTimeout, Logger: log,
		// Routing, auto-closure and the draft job are decided in the
		// transaction that stores the classification.
		OnTriaged: func(ctx context.Context, tx pgx.Tx, it items.Item, _ classify.Result, state items.State) error {
			it.State = state
			return dispatcher.Dispatch(ctx, tx, it)
		}}
	if cfg.NearDupThreshold <= 1 {
		team, priority := routes.Fallback()
		tcfg.NearDuplicates = clusters.NewMatcher(pool, embedder, clusters.Config{
			Threshold: cfg.NearDupThreshold, Window: cfg.NearDupWindow,
			IncidentSize: cfg.IncidentSize, IncidentWindow: cfg.IncidentWindow,
			DefaultTeam: team, DefaultPriority: priority,
		})
	}
	triage := pipeline.NewTriageWorker(pool, classifier, tcfg)
	sla := dispatch.NewSLAWorker(pool, routes, log)
	rescue := pipeline.NewRescueWorker(pool, pipeline.RescueConfig{MaxAttempts: cfg.MaxAttempts, Logger: log})
	kbStore := kb.NewStore(pool)
	embedWorker := kb.NewEmbedWorker(kbStore, embedder, log)
	workers := river.NewWorkers()
	river.AddWorker(workers, triage)
	river.AddWorker(workers, rescue)
	river.AddWorker(workers, drafts.NewDraftWorker(pool, kb.NewRetriever(pool, embedder), writer, drafts.WorkerConfig{Rules: draftRules, Logger: log}))
	river.AddWorker(workers, drafts.NewSendWorker(pool, sender, log))
	river.AddWorker(workers, embedWorker)
	prune := clusters.NewPruneWorker(pool, cfg.NearDupWindow, log)
	river.AddWorker(workers, prune)
	// Dispatch jobs queued before dispatch ran in the triage job.
	river.AddWorker(workers, dispatcher)
	river.AddWorker(workers, dispatch.NewNotifyWorker(pool, routes, log))
	river.AddWorker(workers, sla)
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Logger:   log,
		Workers:  workers,
		TestOnly: opts.TestOnly,
		Queues: map[string]river.QueueConfig{
			// A short cooldown lets fast backends (the local model) run
			// hundreds of jobs a second; slow ones are bound by MaxWorkers.
			pipeline.QueueTriage:      {MaxWorkers: cfg.WorkerConcurrency, FetchCooldown: 20 * time.Millisecond},
			drafts.QueueDrafts:        {MaxWorkers: max(2, cfg.LLMConcurrency), FetchCooldown: 20 * time.Millisecond},
			pipeline.QueueMaintenance: {MaxWorkers: 2},
		},
		PeriodicJobs: []*river.PeriodicJob{rescue.PeriodicJob(), embedWorker.PeriodicJob(10 * time.Minute),
			sla.PeriodicJob(cfg.SLAScanInterval), prune.PeriodicJob(time.Hour)},
		RetryPolicy: opts.RetryPolicy,
		JobTimeout:  cfg.JobTimeout,
		// A job still "running" this long after it started was held by a
		// worker that died (kill -9, a lost machine): River gives it to
		// another worker.
		RescueStuckJobsAfter: cfg.JobTimeout + cfg.JobTimeout/3,
	})
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	return &Worker{Pool: pool, River: client, Logger: log}, nil
}

// RoutingRules loads the routing rules file of cfg (the built-in rules
// when none is set), validated against the configured topics and the
// channels: an error names the file and line.
func RoutingRules(cfg config.Config) (*routing.Rules, error) {
	r, err := routing.Loader{Topics: cfg.Topics, Channels: items.Channels}.Load(cfg.RoutingRules)
	if err != nil {
		return nil, fmt.Errorf("TRIAGE_ROUTING_RULES: %w", err)
	}
	return r, nil
}

// Run works jobs until ctx is cancelled, then stops gracefully: in-flight
// jobs get ShutdownGrace to finish, after which they are cancelled and
// released to the queue for another worker.
func (w *Worker) Run(ctx context.Context) error {
	if err := w.River.Start(ctx); err != nil {
		return fmt.Errorf("start river: %w", err)
	}
	w.Logger.Info("worker started", "queues", []string{pipeline.QueueTriage, drafts.QueueDrafts, pipeline.QueueMaintenance})
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
