package drafts

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

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/kb"
	"github.com/triage-oss/triage/internal/llm"
)

// Retriever finds knowledge-base passages (kb.Retriever).
type Retriever interface {
	Search(ctx context.Context, q kb.Query) ([]kb.Hit, error)
}

// Defaults of WorkerConfig.
const (
	DefaultPassages = 5
	// maxQueryBytes bounds the part of an item used as the search query.
	maxQueryBytes = 1000
)

// WorkerConfig configures DraftWorker.
type WorkerConfig struct {
	// Passages is how many passages a draft is written from.
	Passages int
	// Rules are the promises drafts are flagged for; DefaultRules when nil.
	Rules  []Rule
	Logger *slog.Logger
	Now    func() time.Time
}

// DraftWorker drafts a reply to one classified item and puts it in the
// review queue.
type DraftWorker struct {
	river.WorkerDefaults[DraftArgs]
	pool    *pgxpool.Pool
	drafter *Drafter
	cfg     WorkerConfig
}

var _ river.Worker[DraftArgs] = (*DraftWorker)(nil)

// NewDraftWorker returns a DraftWorker. retriever may be nil (no knowledge
// base): drafts are then written without passages and flagged.
func NewDraftWorker(pool *pgxpool.Pool, retriever Retriever, writer Writer, cfg WorkerConfig) *DraftWorker {
	cfg.Passages = cmp.Or(cfg.Passages, DefaultPassages)
	if cfg.Rules == nil {
		cfg.Rules = DefaultRules
	}
	cfg.Logger = cmp.Or(cfg.Logger, slog.Default())
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &DraftWorker{pool: pool, drafter: NewDrafter(retriever, writer, cfg.Passages, cfg.Rules), cfg: cfg}
}

// Work drafts the reply. An item no longer classified (already drafted,
// handled meanwhile) is left alone. Whatever fails (the model, retrieval,
// the database) is retried, and the last attempt hands the item to a human
// rather than leaving it without a draft.
func (w *DraftWorker) Work(ctx context.Context, job *river.Job[DraftArgs]) error {
	err := w.work(ctx, job)
	var cancel *river.JobCancelError
	var snooze *river.JobSnoozeError
	if err == nil || errors.As(err, &cancel) || errors.As(err, &snooze) || ctx.Err() != nil {
		return err
	}
	return w.failed(ctx, job, err)
}

func (w *DraftWorker) work(ctx context.Context, job *river.Job[DraftArgs]) error {
	it, err := items.NewStore(w.pool).Get(ctx, job.Args.ItemID)
	if apperr.CodeOf(err) == apperr.ENOTFOUND {
		return river.JobCancel(err)
	}
	if err != nil || it.State != items.StateClassified {
		return err
	}
	labels, err := classify.NewStore(w.pool).Latest(ctx, it.ID)
	if err != nil {
		return err
	}
	d, err := w.drafter.Draft(ctx, Request{ItemID: it.ID, Channel: it.Channel, Author: it.Author, Text: it.Text,
		Labels: labels.Classification})
	if err != nil {
		return err
	}
	return w.store(ctx, job, it, d.Written, d.Passages, d.Flags)
}

// failed retries (with River's backoff, which outlasts a model's rate
// limit) and hands the item to a human when drafting fails for good: after
// the last attempt, or at once when the model rejected the request.
func (w *DraftWorker) failed(ctx context.Context, job *river.Job[DraftArgs], err error) error {
	if job.Attempt < job.MaxAttempts && !errors.Is(err, llm.ErrRejected) {
		return err
	}
	reason := fmt.Sprintf("drafting failed after %d attempts: %v", job.Attempt, err)
	w.cfg.Logger.WarnContext(ctx, "item needs a human", "item_id", job.Args.ItemID, "reason", reason)
	return complete(ctx, w.pool, job, func(tx pgx.Tx) error {
		return items.NewStore(tx).Transition(ctx, job.Args.ItemID, items.Change{From: items.StateClassified,
			To: items.StateNeedsHuman, Reason: reason, Actor: "drafter", At: w.cfg.Now()})
	})
}

func (w *DraftWorker) store(ctx context.Context, job *river.Job[DraftArgs], it items.Item, wr Written, ps []Passage, flags []Flag) error {
	cited := make([]int64, 0, len(wr.Cited))
	for _, n := range wr.Cited {
		if n >= 1 && n <= len(ps) {
			cited = append(cited, ps[n-1].ChunkID)
		}
	}
	now := w.cfg.Now()
	return complete(ctx, w.pool, job, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, queries.Get("InsertDraft"), it.ID, wr.Body, mustJSON(ps), mustJSON(cited), mustJSON(flags),
			wr.Extractive, wr.PromptVersion, wr.PromptHash, wr.Backend, wr.Model, now).Scan(&id)
		if err != nil {
			return fmt.Errorf("store draft of item %d: %w", it.ID, err)
		}
		if err := writeEvent(ctx, tx, id, event{action: "created", actor: "drafter", to: StatePendingReview, after: wr.Body}, now); err != nil {
			return err
		}
		return items.NewStore(tx).Transition(ctx, it.ID, items.Change{From: items.StateClassified, To: items.StatePendingReview,
			Actor: "drafter", At: now, Detail: map[string]any{"draft_id": id, "flags": len(flags), "extractive": wr.Extractive}})
	})
}

// complete runs fn and completes the job in one transaction; an item moved
// by someone else first means the job has nothing left to do.
func complete[T river.JobArgs](ctx context.Context, pool *pgxpool.Pool, job *river.Job[T], fn func(pgx.Tx) error) error {
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		_, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
		return err
	})
	if errors.Is(err, items.ErrStateChanged) {
		return nil
	}
	return err
}
