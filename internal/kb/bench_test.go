package kb_test

import (
	"bufio"
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

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
		arts := benchArticles(b)
		if _, err := store.Import(ctx, "bench", arts); err != nil {
			b.Fatal(err)
		}
		if _, err := store.EmbedMissing(ctx, e); err != nil {
			b.Fatal(err)
		}
		docs, chunks, embedded, _ = store.Stats(ctx, e.Model())
		b.Logf("built the benchmark knowledge base in %s", time.Since(start).Round(time.Second))
	}
	b.Logf("%d articles, %d chunks, %d vectors of %s", docs, chunks, embedded, e.Model())
	return pool, e
}

// benchArticles makes benchChunks one-chunk articles from the public
// datasets' texts, cycling through them with a numbered title.
func benchArticles(b *testing.B) []kb.Article {
	var texts []string
	for _, f := range []string{"tweeteval/offensive/train_text.txt", "tweeteval/hate/train_text.txt", "tweeteval/emotion/train_text.txt",
		"tweeteval/irony/train_text.txt", "tweeteval/sentiment/val_text.txt", "smsspam/SMSSpamCollection.tsv", "banking77/train.csv",
		"complaints/complaints.csv", "davidson/labeled_data.csv"} {
		fh, err := os.Open(filepath.Join(dataDir(), f))
		if err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			if t := strings.TrimSpace(sc.Text()); len(t) > 20 {
				texts = append(texts, t)
			}
		}
		fh.Close()
	}
	arts := make([]kb.Article, benchChunks)
	for i := range arts {
		t := texts[i%len(texts)]
		arts[i] = kb.Article{ID: fmt.Sprintf("bench-%06d", i), Title: fmt.Sprintf("Note %d", i),
			Sections: []kb.Section{{Paragraphs: []string{t}}}}
	}
	return arts
}
