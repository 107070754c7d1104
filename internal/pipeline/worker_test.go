package pipeline_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/llm/llmtest"
	"github.com/triage-oss/triage/internal/pipeline"
	"github.com/triage-oss/triage/internal/postgres/pgtest"
)

// fakeModel classifies with the fake server's deterministic rules, counting
// calls; delay simulates a slow model.
type fakeModel struct {
	calls atomic.Int64
	delay time.Duration
}

func (m *fakeModel) Classify(ctx context.Context, in classify.Input) (classify.Result, error) {
	m.calls.Add(1)
	select {
	case <-time.After(m.delay):
	case <-ctx.Done():
		return classify.Result{}, ctx.Err()
	}
	return classify.Result{Labels: llmtest.Classify(in.Text), Backend: "fake", Model: "rules", PromptVersion: "classify/v1", Calls: 1}, nil
}

type testBundle struct {
	pool     *pgxpool.Pool
	model    *fakeModel
	ingester *pipeline.Ingester
	newRiver func() *river.Client[pgx.Tx]
}

func setup(t *testing.T, delay time.Duration) *testBundle {
	t.Helper()
	pool := pgtest.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b := &testBundle{pool: pool, model: &fakeModel{delay: delay}}
	b.newRiver = func() *river.Client[pgx.Tx] {
		w := pipeline.NewTriageWorker(pool, b.model, pipeline.WorkerConfig{Logger: log})
		c, err := pipeline.NewClient(pool, pipeline.ClientConfig{Triage: w, Concurrency: 4, Logger: log, TestOnly: true})
		require.NoError(t, err)
		return c
	}
	inserter, err := pipeline.NewClient(pool, pipeline.ClientConfig{Logger: log})
	require.NoError(t, err)
	b.ingester = pipeline.NewIngester(pool, inserter, pipeline.IngestConfig{})
	return b
}

// run starts a worker until the test ends (or stop is called).
func (b *testBundle) run(t *testing.T) (stop func()) {
	t.Helper()
	c := b.newRiver()
	require.NoError(t, c.Start(context.Background()))
	var once sync.Once
	stop = func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			require.NoError(t, c.Stop(ctx))
		})
	}
	t.Cleanup(stop)
	return stop
}

func (b *testBundle) ingest(t *testing.T, body string) []items.Inserted {
	t.Helper()
	batch, err := items.DecodeBatch([]byte(body), time.Now())
	require.NoError(t, err)
	res, err := b.ingester.Ingest(context.Background(), batch.Items, "test")
	require.NoError(t, err)
	return res
}

func (b *testBundle) get(t *testing.T, id int64) items.Item {
	t.Helper()
	it, err := items.NewStore(b.pool).Get(context.Background(), id)
	require.NoError(t, err)
	return it
}

func (b *testBundle) waitState(t *testing.T, id int64, want items.State) items.Item {
	t.Helper()
	require.Eventually(t, func() bool { return b.get(t, id).State == want }, 20*time.Second, 20*time.Millisecond)
	return b.get(t, id)
}

func (b *testBundle) count(t *testing.T, sql string) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(context.Background(), sql).Scan(&n))
	return n
}

func TestExactDuplicates(t *testing.T) {
	t.Parallel()
	b := setup(t, 0)
	b.run(t)
	first := b.ingest(t, `{"channel":"x","external_id":"1","text":"Sync is broken!"}`)[0]
	b.waitState(t, first.ID, items.StateClassified)
	res := b.ingest(t, `{"items":[
		{"channel":"x","external_id":"2","text":"  sync is\u200b BROKEN! "},
		{"channel":"discord","external_id":"2","text":"Sync is broken!"},
		{"channel":"x","external_id":"3","text":"Sync is broken?"}]}`)
	dup := b.waitState(t, res[0].ID, items.StateDuplicate)
	require.Equal(t, first.ID, *dup.DuplicateOf)
	require.Contains(t, dup.StateReason, fmt.Sprint(first.ID))
	b.waitState(t, res[1].ID, items.StateClassified) // another channel: its own conversation
	b.waitState(t, res[2].ID, items.StateClassified) // different text
	require.EqualValues(t, 3, b.model.calls.Load(), "the duplicate cost no model call")

	// A duplicate of the duplicate points at the original.
	again := b.ingest(t, `{"channel":"x","external_id":"4","text":"sync is broken!"}`)[0]
	require.Equal(t, first.ID, *b.waitState(t, again.ID, items.StateDuplicate).DuplicateOf)
}

func TestRedeliveredJobDoesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t, 0)
	b.run(t)
	it := b.ingest(t, `{"channel":"reddit","external_id":"t1_x","text":"love the update"}`)[0]
	b.waitState(t, it.ID, items.StateClassified)

	// River delivers at least once: a second job for the same item (as after
	// a crash between our commit and River's) must change nothing.
	inserter, err := pipeline.NewClient(b.pool, pipeline.ClientConfig{})
	require.NoError(t, err)
	res, err := inserter.Insert(context.Background(), pipeline.TriageArgs{ItemID: it.ID}, nil)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		var state string
		require.NoError(t, b.pool.QueryRow(context.Background(), "SELECT state FROM river_job WHERE id = $1", res.Job.ID).Scan(&state))
		return state == "completed"
	}, 10*time.Second, 20*time.Millisecond)
	require.EqualValues(t, 1, b.model.calls.Load())
	require.Equal(t, 1, b.count(t, "SELECT count(*) FROM classifications"))
	require.Equal(t, 2, b.count(t, "SELECT count(*) FROM item_events"))
}

func TestRescueStrandedItems(t *testing.T) {
	t.Parallel()
	b := setup(t, 0)
	// Items stored without a job, as if their job had been discarded.
	batch, err := items.DecodeBatch([]byte(`{"items":[{"channel":"x","external_id":"a","text":"one"},{"channel":"x","external_id":"b","text":"two"}]}`), time.Now())
	require.NoError(t, err)
	ctx := context.Background()
	res, err := items.NewStore(b.pool).Insert(ctx, batch.Items, "test", time.Now().Add(-time.Hour))
	require.NoError(t, err)
	queued := b.ingest(t, `{"channel":"x","external_id":"c","text":"three"}`)[0]

	client := b.newRiver()
	n, err := pipeline.Rescue(ctx, b.pool, client, time.Now().Add(-time.Minute), 3)
	require.NoError(t, err)
	require.Equal(t, 2, n, "only the stranded items, not the recent one with a job")
	n, err = pipeline.Rescue(ctx, b.pool, client, time.Now().Add(-time.Minute), 3)
	require.NoError(t, err)
	require.Zero(t, n, "a second scan finds their new jobs")

	b.run(t)
	for _, r := range append(res, queued) {
		b.waitState(t, r.ID, items.StateClassified)
	}
}

func TestGracefulShutdownLosesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t, 300*time.Millisecond)
	stop := b.run(t)
	var body = `{"items":[`
	for i := range 20 {
		if i > 0 {
			body += ","
		}
		body += fmt.Sprintf(`{"channel":"forum","external_id":"%d","text":"thread %d: please add export to PDF"}`, i, i)
	}
	b.ingest(t, body+"]}")
	time.Sleep(400 * time.Millisecond) // some jobs done, some in flight
	stop()                             // soft stop: in-flight jobs finish
	b.run(t)
	require.Eventually(t, func() bool {
		return b.count(t, "SELECT count(*) FROM items WHERE state = 'classified'") == 20
	}, 30*time.Second, 50*time.Millisecond)
	require.Equal(t, 20, b.count(t, "SELECT count(*) FROM classifications"), "no item classified twice")
}
