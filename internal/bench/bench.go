package bench

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"
)

// Parts names the parts of the benchmark, in the order they run.
var Parts = []string{PartIngest, PartPipeline, PartRateLimit, PartRetrieval, PartSurge}

// Part names.
const (
	PartIngest    = "ingest"
	PartPipeline  = "pipeline"
	PartRateLimit = "ratelimit"
	PartRetrieval = "retrieval"
	PartSurge     = "surge"
)

// Config configures a run.
type Config struct {
	// DatabaseURL names the PostgreSQL server. Its database is never used:
	// each part creates its own next to it.
	DatabaseURL string
	// Databases names the databases: part p creates <Databases>_<p> and
	// drops it after, the retrieval part keeps its 100,000 passages in
	// <Databases> (built once, as the knowledge-base benchmark does).
	// DatabasePrefix when empty. Two runs at once need different names.
	Databases string
	// DataDir holds the public datasets (the retrieval part's passages,
	// the items' texts, the search queries).
	DataDir string
	// Quick runs a small version of every part.
	Quick bool
	// Parts lists the parts to run: all when empty.
	Parts []string
	// Progress receives a line as each step starts; nil discards them.
	Progress io.Writer
	// Logger receives the API's and worker's logs; nil discards them.
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	c.Databases = cmp.Or(c.Databases, DatabasePrefix)
	c.Progress = cmp.Or[io.Writer](c.Progress, io.Discard)
	c.Logger = cmp.Or(c.Logger, slog.New(slog.DiscardHandler))
	if len(c.Parts) == 0 {
		c.Parts = Parts
	}
	return c
}

func (c Config) validate() error {
	if c.DatabaseURL == "" {
		return errors.New("bench: no database URL")
	}
	for _, p := range c.Parts {
		if !slices.Contains(Parts, p) {
			return fmt.Errorf("bench: unknown part %q (parts: %s)", p, strings.Join(Parts, ", "))
		}
	}
	return nil
}

// sizes are the amounts of work of each part.
type sizes struct {
	ingestItems   int // items posted, in batches of ingestBatch
	pipelineItems int
	// rateLimitWindow is how long the model-bound part measures.
	rateLimitWindow time.Duration
	// retrievalChunks is the knowledge base's size; searches are timed,
	// recallQueries compared with exact search.
	retrievalChunks, searches, recallQueries int
	// surgeStream is how many items of the demo stream the surge mixes
	// near-duplicates into (0: all 337).
	surgeStream int
}

var (
	fullSizes  = sizes{100_000, 10_000, 2 * time.Minute, 100_000, 2000, 200, 0}
	quickSizes = sizes{10_000, 2000, 10 * time.Second, 5_000, 100, 50, 100}
)

// runner runs the parts of one benchmark.
type runner struct {
	config Config
	sizes  sizes
}

// Run runs the configured parts in order and reports their figures. It
// stops at the first part that fails.
func Run(ctx context.Context, cfg Config) (Report, error) {
	if cfg.Quick {
		return run(ctx, cfg, quickSizes)
	}
	return run(ctx, cfg, fullSizes)
}

func run(ctx context.Context, cfg Config, sz sizes) (Report, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return Report{}, err
	}
	r := &runner{config: cfg, sizes: sz}
	rep := Report{Quick: cfg.Quick}
	start := time.Now()
	for _, p := range Parts {
		if !slices.Contains(cfg.Parts, p) {
			continue
		}
		if err := r.run(ctx, p, &rep); err != nil {
			return rep, fmt.Errorf("bench %s: %w", p, err)
		}
	}
	rep.Seconds = time.Since(start).Seconds()
	return rep, nil
}

func (r *runner) run(ctx context.Context, part string, rep *Report) error {
	var err error
	switch part {
	case PartIngest:
		rep.IngestResult, err = r.ingest(ctx)
	case PartPipeline:
		rep.PipelineResult, err = r.pipeline(ctx)
	case PartRateLimit:
		rep.RateLimitResult, err = r.rateLimit(ctx)
	case PartRetrieval:
		rep.RetrievalResult, err = r.retrieval(ctx)
	case PartSurge:
		rep.SurgeResult, err = r.surge(ctx)
	}
	return err
}

// progress reports a step.
func (r *runner) progress(format string, args ...any) {
	fmt.Fprintf(r.config.Progress, "bench: "+format+"\n", args...)
}
