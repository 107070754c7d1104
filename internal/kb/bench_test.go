package kb_test

import (
	"context"
	"net/url"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/triage-oss/triage/internal/bench"
	"github.com/triage-oss/triage/internal/embed"
	"github.com/triage-oss/triage/internal/kb"
	"github.com/triage-oss/triage/internal/postgres"
	"github.com/triage-oss/triage/internal/postgres/pgtest"
)

// benchChunks is the size of the knowledge base the search benchmark runs on.
const benchChunks = 100_000

// BenchmarkHybridSearch100k measures top-5 hybrid search (embedding the
// query, HNSW vector search, full-text search, fusion, passage reads) over
// 100,000 chunks. The chunks are real texts from the public datasets, one
// per article, built once into the database triage_bench on the test
// server (kept between runs; about two minutes to build) — the target is
// p95 <= 20 ms:
//
//	go test -run x -bench HybridSearch100k -benchtime 2000x ./internal/kb
func BenchmarkHybridSearch100k(b *testing.B) {
	ctx := context.Background()
	pool, e := benchKB(b, ctx)
	r := kb.NewRetriever(pool, e)
	queries := benchQueries(b)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		hits, err := r.Search(ctx, kb.Query{Text: queries[i%len(queries)], K: 5})
		if err != nil || len(hits) == 0 {
			b.Fatalf("search: %v (%d hits)", err, len(hits))
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	ms := func(p float64) float64 { return float64(lat[int(float64(len(lat)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(ms(0.50), "p50_ms")
	b.ReportMetric(ms(0.95), "p95_ms")
	b.ReportMetric(ms(0.99), "p99_ms")
}

func benchQueries(b *testing.B) []string {
	qs, err := kb.LoadEvalQueries(filepath.Join(dataDir(), "stackfaq", "queries.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = q.Query
	}
	return out
}

// benchKB opens (building it the first time) the benchmark database.
func benchKB(b *testing.B, ctx context.Context) (*pgxpool.Pool, kb.Embedder) {
	u, err := url.Parse(pgtest.URL())
	if err != nil {
		b.Fatal(err)
	}
	u.Path = "/triage_bench"
	if _, err := postgres.EnsureDatabase(ctx, u.String()); err != nil {
		b.Fatal(err)
	}
	pool, err := postgres.Open(ctx, u.String(), postgres.PoolConfig{MaxConns: 4})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	if _, err := postgres.Migrate(ctx, pool, discardLog()); err != nil {
		b.Fatal(err)
	}
	wv, err := embed.LoadDefaultWordVectors()
	if err != nil {
		b.Fatalf("word vectors: %v (run make setup)", err)
	}
	e, err := embed.NewLocal(embed.LocalConfig{WordVectors: wv})
	if err != nil {
		b.Fatal(err)
	}
	store := kb.NewStore(pool)
	docs, chunks, embedded, err := store.Stats(ctx, e.Model())
	if err != nil {
		b.Fatal(err)
	}
	if chunks < benchChunks || embedded < chunks {
		start := time.Now()
		// The same passages as `triage bench` builds (internal/bench).
		if err := bench.SeedKB(ctx, pool, e, dataDir(), benchChunks); err != nil {
			b.Fatal(err)
		}
		docs, chunks, embedded, _ = store.Stats(ctx, e.Model())
		b.Logf("built the benchmark knowledge base in %s", time.Since(start).Round(time.Second))
	}
	b.Logf("%d articles, %d chunks, %d vectors of %s", docs, chunks, embedded, e.Model())
	return pool, e
}
