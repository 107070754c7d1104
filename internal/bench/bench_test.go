package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/postgres"
	"github.com/triage-oss/triage/internal/postgres/pgtest"
)

// RequiredKeys are the figures every full report has.
var RequiredKeys = []string{
	"ingest_items_per_s", "copy_rows_per_s", "ingest_copy_ratio",
	"e2e_items_per_s", "e2e_cpu_ms_per_item",
	"ratelimit_utilization", "share_429",
	"retrieval_p50_ms", "retrieval_p95_ms", "hnsw_recall_at_10",
	"surge_calls_per_item",
}

// tinySizes make every part small enough for the race detector.
var tinySizes = sizes{ingestItems: 2000, pipelineItems: 200, rateLimitWindow: 4 * time.Second,
	retrievalChunks: 1000, searches: 30, recallQueries: 10, surgeStream: 30}

// dataDir is where the public datasets are: TRIAGE_DATA_DIR, or next to
// the repository.
func dataDir() string {
	if d := os.Getenv("TRIAGE_DATA_DIR"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared", "data")
}

// testDatabases names a test's databases apart from every other run's.
func testDatabases(t *testing.T) string {
	b := make([]byte, 4)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return "triage_bench_t" + hex.EncodeToString(b)
}

// TestRun runs every part at a small size and checks the report: every
// figure present, a number, and within its range.
func TestRun(t *testing.T) {
	t.Parallel()

	var progress bytes.Buffer
	databases := testDatabases(t)
	rep, err := run(context.Background(), Config{DatabaseURL: pgtest.URL(), Databases: databases, DataDir: dataDir(),
		Quick: true, Progress: &progress}, tinySizes)
	require.NoError(t, err, "progress:\n%s", progress.String())
	require.Empty(t, leftDatabases(t, databases), "every part drops its database")

	b, err := json.Marshal(rep)
	require.NoError(t, err)
	var figures map[string]any
	require.NoError(t, json.Unmarshal(b, &figures))
	for _, k := range RequiredKeys {
		v, ok := figures[k].(float64)
		require.True(t, ok, "%s: %v is not a number in %s", k, figures[k], b)
		require.False(t, math.IsNaN(v) || math.IsInf(v, 0), "%s: %v", k, v)
		require.GreaterOrEqual(t, v, 0.0, k)
	}
	for _, k := range []string{"ingest_items_per_s", "copy_rows_per_s", "e2e_items_per_s", "e2e_cpu_ms_per_item",
		"ratelimit_utilization", "retrieval_p50_ms", "surge_calls_per_item"} {
		require.Positive(t, figures[k], k)
	}
	for _, k := range []string{"share_429", "hnsw_recall_at_10", "ratelimit_utilization"} {
		require.LessOrEqual(t, figures[k], 1.0, k)
	}
	require.LessOrEqual(t, figures["retrieval_p50_ms"], figures["retrieval_p95_ms"])
	require.Equal(t, float64(tinySizes.ingestItems), figures["ingest_items"])
	require.Zero(t, figures["e2e_needs_human"], "no item fails with a model that always answers")
	require.GreaterOrEqual(t, figures["surge_inherited"], figures["surge_reports"], "every report of the incident inherits")

	var table bytes.Buffer
	require.NoError(t, rep.Write(&table))
	for _, f := range rep.Figures() {
		require.Contains(t, table.String(), f.Label)
	}
	t.Logf("\n%s", table.String())
}

// leftDatabases lists the databases whose name starts with prefix.
func leftDatabases(t *testing.T, prefix string) []string {
	t.Helper()
	pool, err := postgres.Open(context.Background(), pgtest.URL(), postgres.PoolConfig{MaxConns: 1})
	require.NoError(t, err)
	defer pool.Close()
	rows, err := pool.Query(context.Background(), "SELECT datname FROM pg_database WHERE starts_with(datname, $1)", prefix)
	require.NoError(t, err)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return names
}

func TestConfig(t *testing.T) {
	t.Parallel()

	_, err := Run(context.Background(), Config{DatabaseURL: pgtest.URL(), Parts: []string{"ingest", "speed"}})
	require.ErrorContains(t, err, `unknown part "speed"`)
	_, err = Run(context.Background(), Config{})
	require.ErrorContains(t, err, "no database URL")
}

func TestReport(t *testing.T) {
	t.Parallel()

	rep := Report{Quick: true, Seconds: 42, IngestResult: &IngestResult{Items: 1000, ItemsPerS: 12345.6, CopyRowsPerS: 98765.4, CopyRatio: 0.125}}
	b, err := json.Marshal(rep)
	require.NoError(t, err)
	require.JSONEq(t, `{"elapsed_s":42,"ingest_items":1000,"ingest_items_per_s":12345.6,"copy_rows_per_s":98765.4,"ingest_copy_ratio":0.125}`, string(b),
		"one flat object, only the parts that ran")
	var table bytes.Buffer
	require.NoError(t, rep.Write(&table))
	require.Contains(t, table.String(), "12,346 items/s")
	require.Contains(t, table.String(), "≥ 5,000")
	require.Regexp(t, `API / CopyFrom\s+0\.125\s+≥ 0\.5\s+FAIL`, table.String())

	require.True(t, Target{">=", 1}.Met(1))
	require.False(t, Target{"<", 0.01}.Met(0.01))
	require.True(t, Target{}.Met(-1), "no target: always met")
	require.Equal(t, "1,234,568", number(1234567.8))
	require.Equal(t, "-1,234", number(-1234))
	require.Equal(t, "0.007", number(0.0071))
}
