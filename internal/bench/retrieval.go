package bench

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pgvector/pgvector-go"

	"github.com/triage-oss/triage/internal/app"
	"github.com/triage-oss/triage/internal/kb"
	"github.com/triage-oss/triage/internal/postgres"
)

// Retrieval settings.
const (
	searchK      = 5  // passages per hybrid search, as drafts use
	recallK      = 10 // passages compared with exact search
	warmSearches = 20 // searches before the timed ones
)

// RetrievalResult is what the retrieval part measured.
type RetrievalResult struct {
	// Chunks is the knowledge base's size; Searches were timed, each
	// embedding the question, searching by vector and full text at once,
	// fusing and reading the top 5 passages.
	Chunks   int     `json:"retrieval_chunks"`
	Searches int     `json:"retrieval_searches"`
	P50Ms    float64 `json:"retrieval_p50_ms"`
	P95Ms    float64 `json:"retrieval_p95_ms"`
	// RecallAt10 is the share of the exact 10 nearest passages (cosine,
	// every vector scanned) that the vector search through the HNSW index
	// returns, averaged over RecallQueries questions.
	RecallQueries int     `json:"hnsw_recall_queries"`
	RecallAt10    float64 `json:"hnsw_recall_at_10"`
}

func (r *runner) retrieval(ctx context.Context) (*RetrievalResult, error) {
	queries, err := kb.LoadEvalQueries(filepath.Join(r.config.DataDir, "stackfaq", "queries.jsonl"))
	if err != nil {
		return nil, fmt.Errorf("search questions (the public datasets, see TRIAGE_DATA_DIR): %w", err)
	}
	pool, closeDB, err := r.kbDatabase(ctx)
	if err != nil {
		return nil, err
	}
	res, err := r.measureRetrieval(ctx, pool, queries)
	return res, errors.Join(err, closeDB())
}

// kbDatabase opens the knowledge base of the part: the triage_bench
// database of the knowledge-base benchmark (built once and kept, as it
// takes minutes), or, quick, a fresh one dropped afterwards.
func (r *runner) kbDatabase(ctx context.Context) (*pgxpool.Pool, func() error, error) {
	var dbURL string
	drop := func() error { return nil }
	var err error
	if r.config.Quick {
		dbURL, drop, err = freshDatabase(ctx, r.config.DatabaseURL, r.config.Databases, PartRetrieval)
	} else if dbURL, err = databaseURL(r.config.DatabaseURL, r.config.Databases); err == nil {
		_, err = postgres.EnsureDatabase(ctx, dbURL)
	}
	if err != nil {
		return nil, nil, err
	}
	pool, err := postgres.Open(ctx, dbURL, postgres.PoolConfig{MaxConns: 4})
	if err != nil {
		return nil, nil, errors.Join(err, drop())
	}
	closeDB := func() error {
		pool.Close()
		return drop()
	}
	if _, err := postgres.Migrate(ctx, pool, r.config.Logger); err != nil {
		return nil, nil, errors.Join(err, closeDB())
	}
	return pool, closeDB, nil
}

func (r *runner) measureRetrieval(ctx context.Context, pool *pgxpool.Pool, queries []kb.EvalQuery) (*RetrievalResult, error) {
	e, err := app.NewEmbedder(ctx, r.appConfig(""), r.config.Logger)
	if err != nil {
		return nil, err
	}
	r.progress("retrieval: a knowledge base of %d passages (built once when missing: minutes for 100,000)", r.sizes.retrievalChunks)
	if err := SeedKB(ctx, pool, e, r.config.DataDir, r.sizes.retrievalChunks); err != nil {
		return nil, err
	}
	res := &RetrievalResult{Chunks: r.sizes.retrievalChunks, Searches: r.sizes.searches}
	r.progress("retrieval: %d hybrid searches, recall@10 of %d vector searches", r.sizes.searches, r.sizes.recallQueries)
	retriever := kb.NewRetriever(pool, e)
	if res.P50Ms, res.P95Ms, err = searchLatency(ctx, retriever, queries, r.sizes.searches); err != nil {
		return nil, err
	}
	res.RecallQueries = min(r.sizes.recallQueries, len(queries))
	res.RecallAt10, err = recallAt10(ctx, pool, retriever, e, queries[:res.RecallQueries])
	return res, err
}

// SeedKB makes pool's knowledge base hold the first n articles of
// KBArticles, embedded with e: unless it holds n passages or more, all
// embedded with e's model, it imports them (an import changes only what
// differs), embeds what is missing and analyzes the tables. The model's
// index is built if it is missing.
func SeedKB(ctx context.Context, pool *pgxpool.Pool, e kb.Embedder, dataDir string, n int) error {
	store := kb.NewStore(pool)
	if err := store.RegisterModel(ctx, e.Model(), e.Dim(), nil); err != nil {
		return err
	}
	_, chunks, embedded, err := store.Stats(ctx, e.Model())
	if err != nil || (chunks >= n && embedded >= chunks) {
		return err
	}
	arts, err := KBArticles(dataDir, n)
	if err != nil {
		return err
	}
	if _, err := store.Import(ctx, "bench", arts); err != nil {
		return err
	}
	if _, err := store.EmbedMissing(ctx, e); err != nil {
		return err
	}
	if _, err := pool.Exec(ctx, queries.Get("AnalyzeKB")); err != nil {
		return fmt.Errorf("analyze the knowledge base: %w", err)
	}
	return nil
}

// searchLatency times n hybrid searches, cycling through the questions
// after a few untimed ones, and returns the median and 95th percentile in
// milliseconds.
func searchLatency(ctx context.Context, r *kb.Retriever, queries []kb.EvalQuery, n int) (p50, p95 float64, err error) {
	lat := make([]time.Duration, 0, n)
	for i := range warmSearches + n {
		start := time.Now()
		hits, err := r.Search(ctx, kb.Query{Text: queries[i%len(queries)].Query, K: searchK})
		if err != nil {
			return 0, 0, err
		}
		if len(hits) == 0 {
			return 0, 0, fmt.Errorf("search %q found nothing", queries[i%len(queries)].Query)
		}
		if i >= warmSearches {
			lat = append(lat, time.Since(start))
		}
	}
	slices.Sort(lat)
	return ms(percentile(lat, 0.50)), ms(percentile(lat, 0.95)), nil
}

// recallAt10 compares the vector search (HNSW over half-precision vectors,
// re-ranked by exact cosine) with an exact scan for each question.
func recallAt10(ctx context.Context, pool *pgxpool.Pool, r *kb.Retriever, e kb.Embedder, queries []kb.EvalQuery) (float64, error) {
	var sum float64
	for _, q := range queries {
		hits, err := r.Search(ctx, kb.Query{Text: q.Query, K: recallK, Mode: kb.ModeVector})
		if err != nil {
			return 0, err
		}
		exact, err := exactNearest(ctx, pool, e, q.Query)
		if err != nil {
			return 0, err
		}
		found := 0
		for _, h := range hits {
			if slices.Contains(exact, h.ChunkID) {
				found++
			}
		}
		sum += float64(found) / float64(len(exact))
	}
	return sum / float64(len(queries)), nil
}

// exactNearest returns the recallK chunks nearest to the question by exact
// cosine distance.
func exactNearest(ctx context.Context, pool *pgxpool.Pool, e kb.Embedder, question string) ([]int64, error) {
	vecs, err := e.Embed(ctx, []string{question})
	if err != nil {
		return nil, fmt.Errorf("embed question: %w", err)
	}
	rows, err := pool.Query(ctx, queries.Get("ExactNearest"), pgvector.NewVector(vecs[0]), e.Model(), recallK)
	if err != nil {
		return nil, fmt.Errorf("exact search: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("exact search: %w", err)
	}
	if len(ids) == 0 {
		return nil, errors.New("exact search: no vectors")
	}
	return ids, nil
}

// percentile returns the p-quantile of sorted durations (nearest rank).
func percentile(sorted []time.Duration, p float64) time.Duration {
	return sorted[int(float64(len(sorted)-1)*p)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func (x *RetrievalResult) describe() string {
	if x == nil {
		return ""
	}
	return fmt.Sprintf("retrieval: %s passages from the public datasets, %s StackFAQ questions timed (embedding included), recall over %d",
		number(float64(x.Chunks)), number(float64(x.Searches)), x.RecallQueries)
}
