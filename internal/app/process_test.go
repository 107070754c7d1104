package app_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/llm/llmtest"
	"github.com/triage-oss/triage/internal/pipeline"
	"github.com/triage-oss/triage/internal/postgres/pgtest"
)

var (
	workerOnce sync.Once
	workerBin  string
	workerErr  error
)

// workerBinary builds cmd/worker once per test run.
func workerBinary(t *testing.T) string {
	t.Helper()
	workerOnce.Do(func() {
		dir, err := os.MkdirTemp("", "triage-worker-")
		if err != nil {
			workerErr = err
			return
		}
		workerBin = filepath.Join(dir, "worker")
		out, err := exec.Command("go", "build", "-o", workerBin, "github.com/triage-oss/triage/cmd/worker").CombinedOutput()
		if err != nil {
			workerErr = fmt.Errorf("build worker: %v: %s", err, out)
		}
	})
	require.NoError(t, workerErr)
	return workerBin
}

// fleet runs real cmd/worker processes against one schema and a fake model.
type fleet struct {
	t     *testing.T
	env   []string
	mu    sync.Mutex
	procs []*exec.Cmd
}

func newFleet(t *testing.T, dbURL, modelURL string, concurrency int) *fleet {
	return &fleet{t: t, env: append(os.Environ(),
		"DATABASE_URL="+dbURL, "TRIAGE_BACKEND=openai", "OPENAI_BASE_URL="+modelURL, "OPENAI_MODEL=gpt-test", "OPENAI_API_KEY=sk-test",
		"TRIAGE_PREFILTER_THRESHOLD=2", "TRIAGE_NEAR_DUPLICATE_THRESHOLD=2", "TRIAGE_LOG_LEVEL=warn",
		// Short, so that the jobs a killed worker held come back quickly.
		"TRIAGE_LLM_TIMEOUT=3s", "TRIAGE_JOB_TIMEOUT=6s",
		fmt.Sprintf("TRIAGE_WORKER_CONCURRENCY=%d", concurrency), fmt.Sprintf("TRIAGE_LLM_CONCURRENCY=%d", concurrency))}
}

// start launches one more worker process.
func (f *fleet) start() *exec.Cmd {
	f.t.Helper()
	cmd := exec.Command(workerBinary(f.t))
	cmd.Env = f.env
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	require.NoError(f.t, cmd.Start())
	f.mu.Lock()
	f.procs = append(f.procs, cmd)
	f.mu.Unlock()
	f.t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	return cmd
}

// ingestN stores n distinct support items and queues their triage.
func ingestN(t *testing.T, pool *pgxpool.Pool, n int, prefix string) {
	t.Helper()
	ctx := context.Background()
	client, err := pipeline.NewClient(pool, pipeline.ClientConfig{})
	require.NoError(t, err)
	in := pipeline.NewIngester(pool, client, pipeline.IngestConfig{MaxAttempts: 5})
	var batch []items.NewItem
	for i := range n {
		body := fmt.Sprintf(`{"channel":"email","external_id":"%s-%d","text":"order %d: the export is not working, error %d"}`, prefix, i, i, 500+i)
		b, err := items.DecodeBatch([]byte(body), time.Now())
		require.NoError(t, err)
		batch = append(batch, b.Items...)
	}
	for i := 0; i < len(batch); i += items.MaxBatch {
		_, err := in.Ingest(ctx, batch[i:min(i+items.MaxBatch, len(batch))], "test")
		require.NoError(t, err)
	}
}

// Kill -9 a worker in the middle of a batch and start another: every item
// ends classified exactly once, and no item has two drafts.
func TestWorkerKilledMidBatch(t *testing.T) {
	t.Parallel()
	schema := pgtest.NewSchema(t)
	pool := schema.Pool(t)
	model := llmtest.NewOpenAI(t, withDrafts(llmtest.Slow(40*time.Millisecond, llmtest.Classifier())))
	f := newFleet(t, schema.URL, model.BaseURL(), 4)
	const n = 150
	ingestN(t, pool, n, "kill")
	first := f.start()
	require.Eventually(t, func() bool {
		return count(t, pool, "SELECT count(*) FROM classifications") >= n/4
	}, 60*time.Second, 20*time.Millisecond, "the first worker gets going")
	require.NoError(t, first.Process.Signal(syscall.SIGKILL)) // no goodbye: jobs stay running in the table
	_ = first.Wait()
	atKill := count(t, pool, "SELECT count(*) FROM classifications")
	require.Less(t, atKill, n, "killed in the middle of the batch")

	f.start()
	// The second worker picks up what is left; the jobs the dead one held
	// come back after River's rescue (RescueStuckJobsAfter), or sooner via
	// the periodic stranded-item rescue.
	require.Eventually(t, func() bool {
		return count(t, pool, "SELECT count(*) FROM items WHERE state = 'received'") == 0 &&
			count(t, pool, "SELECT count(DISTINCT item_id) FROM classifications") == n
	}, 90*time.Second, 200*time.Millisecond)
	require.Equal(t, n, count(t, pool, "SELECT count(*) FROM classifications"), "every item classified exactly once")
	require.Zero(t, count(t, pool, "SELECT count(*) FROM (SELECT item_id FROM drafts GROUP BY item_id HAVING count(*) > 1) d"), "no duplicate draft")
	require.Equal(t, n, count(t, pool, "SELECT count(*) FROM item_events WHERE to_state = 'classified' AND from_state = 'received'"),
		"one classification event per item")
	t.Logf("killed after %d of %d classifications; the restarted worker finished the rest", atKill, n)
}

// Three worker processes share one queue: every item handled once, and
// throughput grows with the number of workers while the model is the
// bound (a fake with 300 ms latency, 4 requests in flight per worker, so
// that a machine busy with other tests still has CPU to spare).
func TestWorkersScaleOut(t *testing.T) {
	t.Parallel()
	rate := func(workers int) float64 {
		schema := pgtest.NewSchema(t)
		pool := schema.Pool(t)
		model := llmtest.NewOpenAI(t, withDrafts(llmtest.Slow(300*time.Millisecond, llmtest.Classifier())))
		f := newFleet(t, schema.URL, model.BaseURL(), 4)
		const n = 96
		ingestN(t, pool, n, fmt.Sprintf("w%d", workers))
		for range workers {
			f.start()
		}
		start := time.Now()
		require.Eventually(t, func() bool {
			return count(t, pool, "SELECT count(*) FROM items WHERE state = 'received'") == 0
		}, 3*time.Minute, 50*time.Millisecond)
		took := time.Since(start)
		require.Equal(t, n, count(t, pool, "SELECT count(*) FROM classifications"), "each item classified once")
		require.Equal(t, n, count(t, pool, "SELECT count(DISTINCT item_id) FROM model_calls WHERE task = 'classify'"))
		require.Equal(t, n, count(t, pool, "SELECT count(*) FROM model_calls WHERE task = 'classify'"), "no item classified twice")
		return float64(n) / took.Seconds()
	}
	one, three := rate(1), rate(3)
	t.Logf("classified/s: 1 worker %.1f, 3 workers %.1f (x%.2f)", one, three, three/one)
	require.Greater(t, three, 1.6*one, "three workers are much faster than one while the model is the bound")
}
