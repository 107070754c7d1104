package kb

import (
	"cmp"
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
)

// EmbedArgs is the job that computes every missing vector for the
// configured embedding model: after an import, and in the background after
// a switch of model, while the previous model's vectors keep serving.
type EmbedArgs struct{}

// Kind is the River job kind.
func (EmbedArgs) Kind() string { return "kb_embed" }

// InsertOpts runs one embed job at a time on the maintenance queue.
func (EmbedArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: "maintenance", UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: time.Minute}}
}

// EmbedWorker runs EmbedArgs jobs.
type EmbedWorker struct {
	river.WorkerDefaults[EmbedArgs]
	store    *Store
	embedder Embedder
	log      *slog.Logger
}

var _ river.Worker[EmbedArgs] = (*EmbedWorker)(nil)

// NewEmbedWorker returns a worker embedding with e.
func NewEmbedWorker(store *Store, e Embedder, log *slog.Logger) *EmbedWorker {
	return &EmbedWorker{store: store, embedder: e, log: cmp.Or(log, slog.Default())}
}

// Timeout lets a large re-embedding run; it resumes where it stopped.
func (w *EmbedWorker) Timeout(*river.Job[EmbedArgs]) time.Duration { return time.Hour }

// Work embeds what is missing.
func (w *EmbedWorker) Work(ctx context.Context, _ *river.Job[EmbedArgs]) error {
	n, err := w.store.EmbedMissing(ctx, w.embedder)
	if n > 0 {
		w.log.InfoContext(ctx, "embedded knowledge-base chunks", "model", w.embedder.Model(), "chunks", n)
	}
	return err
}

// PeriodicJob checks for missing vectors every interval, and at start.
func (w *EmbedWorker) PeriodicJob(interval time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) { return EmbedArgs{}, nil },
		&river.PeriodicJobOpts{ID: "kb_embed", RunOnStart: true})
}
