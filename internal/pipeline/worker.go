package pipeline

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/clusters"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/llm"
)

// Classifier labels an item (classify.LLM, the local model, a cascade).
type Classifier interface {
	Classify(ctx context.Context, in classify.Input) (classify.Result, error)
}

// NearDuplicates finds the near-duplicate an item can inherit its
// classification from, and records the item in its cluster
// (clusters.Matcher).
type NearDuplicates interface {
	Find(ctx context.Context, it items.Item) (clusters.Match, bool, error)
	Join(ctx context.Context, tx pgx.Tx, it items.Item, origin int64, at time.Time) (clusters.Joined, error)
}

// Defaults of WorkerConfig.
const (
	DefaultDuplicateWindow = 24 * time.Hour
	DefaultMaxSnoozes      = 30
	DefaultJobTimeout      = 3 * time.Minute
	// DefaultRateLimitWait is the wait after a 429 without Retry-After.
	DefaultRateLimitWait = 5 * time.Second
	// DefaultOriginWait bounds the wait for a near-duplicate being
	// classified: a surge's burst costs one model call, not one per item.
	DefaultOriginWait = 6 * time.Second
	// originPoll is how often a waiting item looks again. Each look is a
	// River snooze and counts towards MaxSnoozes, so there are few.
	originPoll = time.Second
)

// WorkerConfig configures a TriageWorker.
type WorkerConfig struct {
	// DuplicateWindow is how far back an exact duplicate is looked for.
	// Defaults to DefaultDuplicateWindow.
	DuplicateWindow time.Duration
	// MaxSnoozes bounds how often a job waits out a 429 without spending
	// an attempt; past it, 429s count as failed attempts. Defaults to
	// DefaultMaxSnoozes.
	MaxSnoozes int
	// JobTimeout bounds one attempt, repair call included. Defaults to
	// DefaultJobTimeout.
	JobTimeout time.Duration
	// RateLimitWait is the wait after a 429 that named none. Defaults to
	// DefaultRateLimitWait.
	RateLimitWait time.Duration
	// NearDuplicates, when set, lets an item inherit the classification
	// of a recent near-duplicate instead of calling the model.
	NearDuplicates NearDuplicates
	// OriginWait is how long after its arrival an item waits for an older
	// near-duplicate that is still being classified, to inherit its
	// classification. Defaults to DefaultOriginWait.
	OriginWait time.Duration
	// OnTriaged, when set, runs in the transaction that stores an item's
	// classification and moves it to state (classified, or filtered by the
	// prefilter): the next stage enqueues its job atomically with it.
	OnTriaged func(ctx context.Context, tx pgx.Tx, it items.Item, res classify.Result, state items.State) error
	Logger    *slog.Logger
	Now       func() time.Time
}

func (c WorkerConfig) withDefaults() WorkerConfig {
	c.DuplicateWindow = cmp.Or(c.DuplicateWindow, DefaultDuplicateWindow)
	c.MaxSnoozes = cmp.Or(c.MaxSnoozes, DefaultMaxSnoozes)
	c.JobTimeout = cmp.Or(c.JobTimeout, DefaultJobTimeout)
	c.RateLimitWait = cmp.Or(c.RateLimitWait, DefaultRateLimitWait)
	c.OriginWait = cmp.Or(c.OriginWait, DefaultOriginWait)
	c.Logger = cmp.Or(c.Logger, slog.Default())
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// TriageWorker runs triage jobs.
type TriageWorker struct {
	river.WorkerDefaults[TriageArgs]

	pool       *pgxpool.Pool
	classifier Classifier
	config     WorkerConfig
}

var _ river.Worker[TriageArgs] = (*TriageWorker)(nil)

// NewTriageWorker returns a worker classifying with classifier and storing
// results in pool's database.
func NewTriageWorker(pool *pgxpool.Pool, classifier Classifier, cfg WorkerConfig) *TriageWorker {
	return &TriageWorker{pool: pool, classifier: classifier, config: cfg.withDefaults()}
}

// Timeout bounds one attempt.
func (w *TriageWorker) Timeout(*river.Job[TriageArgs]) time.Duration { return w.config.JobTimeout }

// Work triages one item: exact duplicate → StateDuplicate; closed by the
// local prefilter → StateFiltered; classified → StateClassified; model failed for good or answered garbage →
// StateNeedsHuman with the reason.
func (w *TriageWorker) Work(ctx context.Context, job *river.Job[TriageArgs]) error {
	log := w.config.Logger.With("item_id", job.Args.ItemID, "job_id", job.ID, "attempt", job.Attempt)
	it, err := items.NewStore(w.pool).Get(ctx, job.Args.ItemID)
	if apperr.CodeOf(err) == apperr.ENOTFOUND {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if it.State != items.StateReceived {
		log.InfoContext(ctx, "item already triaged; nothing to do", "state", it.State)
		return nil
	}
	orig, dup, err := items.NewStore(w.pool).FindDuplicate(ctx, it.ID, w.config.Now().Add(-w.config.DuplicateWindow))
	if err != nil {
		return err
	}
	if dup {
		return w.complete(ctx, job, func(tx pgx.Tx) error {
			return items.NewStore(tx).Transition(ctx, it.ID, items.Change{From: items.StateReceived, To: items.StateDuplicate,
				Reason: fmt.Sprintf("same text as item %d", orig), Actor: "worker", DuplicateOf: orig, At: w.config.Now()})
		})
	}
	if handled, err := w.inherit(ctx, job, it); handled || err != nil {
		return err
	}
	parent, _, err := items.NewStore(w.pool).ParentText(ctx, it, classify.MaxParentChars)
	if err != nil {
		return err
	}
	res, err := w.classifier.Classify(ctx, classify.Input{ItemID: it.ID, Channel: it.Channel, Author: it.Author, Text: it.Text, Parent: parent})
	if err != nil {
		return w.failed(ctx, log, job, err)
	}
	return w.complete(ctx, job, func(tx pgx.Tx) error { return w.store(ctx, tx, it, res, nil) })
}

// inherit gives the item the classification of a recent near-duplicate,
// without a model call, and reports whether it handled the item.
func (w *TriageWorker) inherit(ctx context.Context, job *river.Job[TriageArgs], it items.Item) (bool, error) {
	if w.config.NearDuplicates == nil {
		return false, nil
	}
	m, ok, err := w.config.NearDuplicates.Find(ctx, it)
	if err != nil || !ok {
		return false, err
	}
	if m.Pending {
		// A burst: an older near-duplicate is being classified. Wait a
		// little for it rather than pay for the same answer twice.
		if w.config.Now().Sub(it.ReceivedAt) < w.config.OriginWait {
			return true, river.JobSnooze(originPoll)
		}
		return false, nil
	}
	orig, err := classify.NewStore(w.pool).Latest(ctx, m.Origin)
	if apperr.CodeOf(err) == apperr.ENOTFOUND {
		return false, nil // the origin lost its classification meanwhile: classify this one
	}
	if err != nil {
		return false, err
	}
	res := classify.Result{Labels: orig.Classification, PromptVersion: orig.PromptVersion, PromptHash: orig.PromptHash,
		Backend: "inherited", Model: orig.Model, InheritedFrom: m.Origin}
	return true, w.complete(ctx, job, func(tx pgx.Tx) error {
		joined, err := w.config.NearDuplicates.Join(ctx, tx, it, m.Origin, w.config.Now())
		if err != nil {
			return err
		}
		return w.store(ctx, tx, it, res, map[string]any{"inherited_from": m.Origin, "similarity": m.Similarity,
			"cluster_id": joined.Cluster, "incident_id": joined.Incident})
	})
}

// store records a classification and moves the item on, in tx.
func (w *TriageWorker) store(ctx context.Context, tx pgx.Tx, it items.Item, res classify.Result, extra map[string]any) error {
	to, reason := items.StateClassified, ""
	if res.Prefilter != "" {
		to, reason = items.StateFiltered, "closed by the local prefilter: "+res.Prefilter
	}
	if _, err := classify.NewStore(tx).Insert(ctx, it.ID, res); err != nil {
		return err
	}
	detail := map[string]any{"backend": res.Backend, "model": res.Model, "prompt_version": res.PromptVersion,
		"intent": res.Labels.Intent, "risk": res.Labels.Risk, "repaired": res.Repaired}
	for k, v := range extra {
		detail[k] = v
	}
	err := items.NewStore(tx).Transition(ctx, it.ID, items.Change{From: items.StateReceived, To: to, Reason: reason,
		Actor: "worker", At: w.config.Now(), Detail: detail})
	if err != nil || w.config.OnTriaged == nil {
		return err
	}
	return w.config.OnTriaged(ctx, tx, it, res, to)
}

// failed decides what a classification error means for the job.
func (w *TriageWorker) failed(ctx context.Context, log *slog.Logger, job *river.Job[TriageArgs], err error) error {
	switch {
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		// Shutting down: release the job for the next worker, no attempt spent.
		return river.JobSnooze(0)
	case errors.Is(err, classify.ErrInvalidOutput):
		return w.needsHuman(ctx, log, job, "model output invalid after a repair attempt: "+err.Error())
	case errors.Is(err, llm.ErrRateLimited) && snoozes(job) < w.config.MaxSnoozes:
		wait, ok := llm.RetryAfter(err)
		if !ok {
			wait = w.config.RateLimitWait
		}
		wait += time.Duration(rand.Int64N(int64(wait)/5 + 1)) // spread the herd
		log.InfoContext(ctx, "model rate limited; waiting", "wait", wait)
		return river.JobSnooze(wait)
	case job.Attempt < job.MaxAttempts && !errors.Is(err, llm.ErrRejected):
		log.WarnContext(ctx, "classification failed; will retry", "error", err)
		return err
	}
	return w.needsHuman(ctx, log, job, fmt.Sprintf("classification failed after %d attempts: %v", job.Attempt, err))
}

func (w *TriageWorker) needsHuman(ctx context.Context, log *slog.Logger, job *river.Job[TriageArgs], reason string) error {
	log.WarnContext(ctx, "item needs a human", "reason", reason)
	return w.complete(ctx, job, func(tx pgx.Tx) error {
		return items.NewStore(tx).Transition(ctx, job.Args.ItemID, items.Change{From: items.StateReceived,
			To: items.StateNeedsHuman, Reason: reason, Actor: "worker", At: w.config.Now()})
	})
}

// complete runs fn and completes the job in one transaction. An item that
// another job moved first is not an error: the job is done.
func (w *TriageWorker) complete(ctx context.Context, job *river.Job[TriageArgs], fn func(pgx.Tx) error) error {
	err := pgx.BeginFunc(ctx, w.pool, func(tx pgx.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		_, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
		return err
	})
	if errors.Is(err, items.ErrStateChanged) {
		w.config.Logger.InfoContext(ctx, "item moved by another job; nothing to do", "item_id", job.Args.ItemID)
		return nil
	}
	return err
}

// snoozes returns how often the job has been snoozed, from the counter River
// keeps in its metadata.
func snoozes(job *river.Job[TriageArgs]) int {
	var md struct {
		Snoozes int `json:"snoozes"`
	}
	_ = json.Unmarshal(job.Metadata, &md) // absent or malformed metadata means none
	return md.Snoozes
}
