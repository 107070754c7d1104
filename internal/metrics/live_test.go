package metrics_test

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	mrand "math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/calllog"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/metrics"
	"github.com/triage-oss/triage/internal/postgres"
	"github.com/triage-oss/triage/internal/postgres/pgtest"
	"github.com/triage-oss/triage/migrations"
)

// next lists the states an item may move to from each state.
var next = map[items.State][]items.State{
	items.StateReceived:      {items.StateClassified, items.StateClassified, items.StateDuplicate, items.StateFiltered, items.StateNeedsHuman},
	items.StateClassified:    {items.StatePendingReview, items.StateAutoClosed, items.StateNeedsHuman},
	items.StatePendingReview: {items.StateApproved, items.StateClosed},
	items.StateApproved:      {items.StateReplied},
	items.StateNeedsHuman:    {items.StatePendingReview, items.StateClosed},
}

var (
	channels    = []string{"email", "discord", "forum"}
	annotations = []string{"routed", "sla_breached", "incident_member", ""}
	backends    = []string{"openai", "ollama"}
	outcomes    = []calllog.Outcome{calllog.OutcomeOK, calllog.OutcomeOK, calllog.OutcomeTimeout, calllog.OutcomeInvalidOutput}
)

// tally is what a workload did, counted in Go: the reference for Live,
// independent of the SQL of both Live and Recount.
type tally struct {
	transitions, annotations map[[2]string]int64 // (name, channel)
	items                    map[int64][2]string // id -> (state, channel) of the items that exist
	calls                    map[[2]string][3]int64
	qa                       metrics.QACount
	deleted                  map[string]int // what was deleted: items, calls, annotations
}

func newTally() *tally {
	return &tally{transitions: map[[2]string]int64{}, annotations: map[[2]string]int64{}, items: map[int64][2]string{},
		calls: map[[2]string][3]int64{}, deleted: map[string]int{}}
}

func (t *tally) merge(o *tally) {
	for k, v := range o.transitions {
		t.transitions[k] += v
	}
	for k, v := range o.annotations {
		t.annotations[k] += v
	}
	for k, v := range o.items {
		t.items[k] = v
	}
	for k, v := range o.calls {
		c := t.calls[k]
		t.calls[k] = [3]int64{c[0] + v[0], c[1] + v[1], c[2] + v[2]}
	}
	for k, v := range o.deleted {
		t.deleted[k] += v
	}
	t.qa.Correct, t.qa.Incorrect, t.qa.Pending = t.qa.Correct+o.qa.Correct, t.qa.Incorrect+o.qa.Incorrect, t.qa.Pending+o.qa.Pending
}

// live is the tally in the shape of metrics.Live.
func (t *tally) live() metrics.Live {
	counts := func(m map[[2]string]int64) []metrics.Count {
		var out []metrics.Count
		for k, n := range m {
			if n != 0 {
				out = append(out, metrics.Count{Name: k[0], Channel: k[1], N: n})
			}
		}
		return out
	}
	byState := map[[2]string]int64{}
	for _, sc := range t.items {
		byState[sc]++
	}
	l := metrics.Live{Transitions: counts(t.transitions), Annotations: counts(t.annotations), Items: counts(byState), QA: t.qa}
	for k, v := range t.calls {
		l.ModelCalls = append(l.ModelCalls, metrics.CallCount{Backend: k[0], Outcome: k[1], Calls: v[0], PromptTokens: v[1], CompletionTokens: v[2]})
	}
	return sortLive(l)
}

// sortLive orders a Live like the service does.
func sortLive(l metrics.Live) metrics.Live {
	byKey := func(a, b metrics.Count) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Channel, b.Channel))
	}
	slices.SortFunc(l.Transitions, byKey)
	slices.SortFunc(l.Annotations, byKey)
	slices.SortFunc(l.Items, byKey)
	slices.SortFunc(l.ModelCalls, func(a, b metrics.CallCount) int {
		return cmp.Or(cmp.Compare(a.Backend, b.Backend), cmp.Compare(a.Outcome, b.Outcome))
	})
	return l
}

// worker runs a random mixed workload on its own items, each step in a
// transaction of its own, and tallies what committed.
type worker struct {
	id     int
	pool   *pgxpool.Pool
	rnd    *mrand.Rand
	tally  *tally
	states map[int64]items.State
	n      int
}

func (w *worker) run(ctx context.Context, steps int) error {
	for range steps {
		if err := w.step(ctx); err != nil {
			return fmt.Errorf("worker %d: %w", w.id, err)
		}
	}
	return nil
}

func (w *worker) step(ctx context.Context) error {
	ids := w.ids()
	switch r := w.rnd.IntN(100); {
	case r < 20 || len(ids) == 0:
		return w.insert(ctx)
	case r < 55:
		return w.advance(ctx, ids[w.rnd.IntN(len(ids))])
	case r < 70:
		return w.annotate(ctx, ids[w.rnd.IntN(len(ids))])
	case r < 85:
		return w.call(ctx, ids[w.rnd.IntN(len(ids))])
	case r < 90:
		return w.deleteItem(ctx, ids[w.rnd.IntN(len(ids))])
	case r < 94:
		return w.deleteCall(ctx)
	case r < 97:
		return w.deleteAnnotation(ctx, ids)
	default:
		return w.reroute(ctx, ids[w.rnd.IntN(len(ids))])
	}
}

func (w *worker) ids() []int64 {
	out := make([]int64, 0, len(w.states))
	for id := range w.states {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

func (w *worker) insert(ctx context.Context) error {
	n := 1 + w.rnd.IntN(3)
	var body []byte
	for i := range n {
		w.n++
		if i > 0 {
			body = append(body, ',')
		}
		body = fmt.Appendf(body, `{"channel":%q,"external_id":"w%d-%d","text":"text %d %d"}`,
			channels[w.rnd.IntN(len(channels))], w.id, w.n, w.id, w.n)
	}
	now := time.Now()
	b, err := items.DecodeBatch(append(append([]byte(`{"items":[`), body...), "]}"...), now)
	if err != nil {
		return err
	}
	var out []items.Inserted
	err = pgx.BeginFunc(ctx, w.pool, func(tx pgx.Tx) error {
		out, err = items.NewStore(tx).Insert(ctx, b.Items, "api", now)
		return err
	})
	if err != nil {
		return err
	}
	for _, in := range out {
		w.states[in.ID] = items.StateReceived
		w.tally.items[in.ID] = [2]string{string(items.StateReceived), in.Channel}
		w.tally.transitions[[2]string{string(items.StateReceived), in.Channel}]++
	}
	return nil
}

// advance moves an item on, sometimes annotating it and recording a call
// in the same transaction.
func (w *worker) advance(ctx context.Context, id int64) error {
	from := w.states[id]
	tos := next[from]
	if len(tos) == 0 {
		return w.annotate(ctx, id)
	}
	to := tos[w.rnd.IntN(len(tos))]
	withAnnotation, withCall := w.rnd.IntN(3) == 0, w.rnd.IntN(3) == 0
	channel := w.tally.items[id][1]
	c := w.newCall(id)
	err := pgx.BeginFunc(ctx, w.pool, func(tx pgx.Tx) error {
		if withCall {
			if err := calllog.NewStore(tx).Record(ctx, c); err != nil {
				return err
			}
		}
		st := items.NewStore(tx)
		if err := st.Transition(ctx, id, items.Change{From: from, To: to, Actor: "worker", At: time.Now()}); err != nil {
			return err
		}
		if withAnnotation {
			return st.Annotate(ctx, id, "routed", "", "worker", nil, time.Now())
		}
		return nil
	})
	if err != nil {
		return err
	}
	w.states[id] = to
	w.tally.items[id] = [2]string{string(to), channel}
	w.tally.transitions[[2]string{string(to), channel}]++
	if withAnnotation {
		w.tally.annotations[[2]string{"routed", channel}]++
	}
	if withCall {
		w.tallyCall(c)
	}
	if to == items.StateAutoClosed && w.rnd.IntN(2) == 0 {
		return w.sample(ctx, id)
	}
	return nil
}

func (w *worker) sample(ctx context.Context, id int64) error {
	verdicts := []*string{nil, new("correct"), new("incorrect")}
	v := verdicts[w.rnd.IntN(len(verdicts))]
	if _, err := w.pool.Exec(ctx, "INSERT INTO qa_reviews (item_id, closed_by, verdict) VALUES ($1, 'rule', $2)", id, v); err != nil {
		return err
	}
	switch {
	case v == nil:
		w.tally.qa.Pending++
	case *v == "correct":
		w.tally.qa.Correct++
	default:
		w.tally.qa.Incorrect++
	}
	return nil
}

func (w *worker) annotate(ctx context.Context, id int64) error {
	ev := annotations[w.rnd.IntN(len(annotations))]
	if err := items.NewStore(w.pool).Annotate(ctx, id, ev, "", "worker", nil, time.Now()); err != nil {
		return err
	}
	if ev == "" {
		ev = "annotation" // an unnamed annotation
	}
	w.tally.annotations[[2]string{ev, w.tally.items[id][1]}]++
	return nil
}

func (w *worker) newCall(id int64) calllog.Call {
	c := calllog.Call{Task: fmt.Sprintf("w%d", w.id), Backend: backends[w.rnd.IntN(len(backends))], Model: "m",
		Outcome:  outcomes[w.rnd.IntN(len(outcomes))],
		Response: llm.Response{PromptTokens: w.rnd.IntN(1000), CompletionTokens: w.rnd.IntN(100)}}
	if w.rnd.IntN(4) > 0 {
		c.ItemID = id
	}
	return c
}

func (w *worker) tallyCall(c calllog.Call) {
	k := [2]string{c.Backend, string(c.Outcome)}
	v := w.tally.calls[k]
	w.tally.calls[k] = [3]int64{v[0] + 1, v[1] + int64(c.Response.PromptTokens), v[2] + int64(c.Response.CompletionTokens)}
}

func (w *worker) call(ctx context.Context, id int64) error {
	c := w.newCall(id)
	if err := calllog.NewStore(w.pool).Record(ctx, c); err != nil {
		return err
	}
	w.tallyCall(c)
	return nil
}

// deleteItem deletes an item with its events (the counters keep them)
// and its QA review (not a counter: the verdicts there are).
func (w *worker) deleteItem(ctx context.Context, id int64) error {
	var verdict *string
	err := w.pool.QueryRow(ctx, "SELECT verdict FROM qa_reviews WHERE item_id = $1", id).Scan(&verdict)
	sampled := err == nil
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	if _, err := w.pool.Exec(ctx, "DELETE FROM items WHERE id = $1", id); err != nil {
		return err
	}
	delete(w.states, id)
	delete(w.tally.items, id)
	w.tally.deleted["items"]++
	switch {
	case !sampled:
	case verdict == nil:
		w.tally.qa.Pending--
	case *verdict == "correct":
		w.tally.qa.Correct--
	default:
		w.tally.qa.Incorrect--
	}
	return nil
}

// deleteCall deletes the worker's latest call (a retention job would).
func (w *worker) deleteCall(ctx context.Context) error {
	tag, err := w.pool.Exec(ctx, "DELETE FROM model_calls WHERE id = (SELECT max(id) FROM model_calls WHERE task = $1)", fmt.Sprintf("w%d", w.id))
	w.tally.deleted["calls"] += int(tag.RowsAffected())
	return err
}

// deleteAnnotation deletes an annotation event directly, its item staying.
func (w *worker) deleteAnnotation(ctx context.Context, ids []int64) error {
	tag, err := w.pool.Exec(ctx, `DELETE FROM item_events WHERE id = (
		SELECT max(id) FROM item_events WHERE item_id = ANY($1) AND from_state = to_state)`, ids)
	w.tally.deleted["annotations"] += int(tag.RowsAffected())
	return err
}

// reroute changes an item's team without changing its state: the item
// gauge must not move.
func (w *worker) reroute(ctx context.Context, id int64) error {
	_, err := w.pool.Exec(ctx, "UPDATE items SET team = $2 WHERE id = $1", id, fmt.Sprintf("team%d", w.rnd.IntN(3)))
	return err
}

var workerIDs atomic.Int64

// workload runs workers concurrently with a compactor and returns the
// merged tally.
func workload(t *testing.T, ctx context.Context, pool *pgxpool.Pool, svc *metrics.Service, workers, steps int) *tally {
	t.Helper()
	tallies := make([]*tally, workers)
	errs := make(chan error, workers+1)
	var wg sync.WaitGroup
	for i := range workers {
		tallies[i] = newTally()
		id := int(workerIDs.Add(1)) // unique external ids across workloads on one schema
		w := &worker{id: id, pool: pool, rnd: mrand.New(mrand.NewPCG(uint64(id), 8)), tally: tallies[i], states: map[int64]items.State{}}
		wg.Go(func() { errs <- w.run(ctx, steps) })
	}
	done := make(chan struct{})
	compacted := make(chan error, 1)
	go func() {
		for svc != nil {
			select {
			case <-done:
				compacted <- nil
				return
			default:
			}
			if err := svc.Compact(ctx); err != nil {
				compacted <- err
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		<-done
		compacted <- nil
	}()
	wg.Wait()
	close(done)
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.NoError(t, <-compacted)
	total := newTally()
	for _, tl := range tallies {
		total.merge(tl)
	}
	return total
}

func TestLiveEqualsRecount(t *testing.T) {
	t.Parallel()
	b := setup(t)
	want := workload(t, b.ctx, b.pool, b.svc, 8, 150)

	live, err := b.svc.Live(b.ctx)
	require.NoError(t, err)
	recount, err := b.svc.Recount(b.ctx)
	require.NoError(t, err)
	require.Equal(t, recount, live, "metrics recomputed from history equal the live counters")
	require.Equal(t, want.live(), live, "the counters equal what the workload did")
	require.NotEmpty(t, live.Transitions)
	require.NotEmpty(t, live.Annotations)
	require.NotEmpty(t, live.ModelCalls)
	for _, k := range []string{"items", "calls", "annotations"} {
		require.Positive(t, want.deleted[k], "the workload deleted %s", k)
	}

	// Something was deleted, so the counters are more than the history.
	var events, calls int64
	require.NoError(t, b.pool.QueryRow(b.ctx, "SELECT (SELECT count(*) FROM item_events), (SELECT count(*) FROM model_calls)").Scan(&events, &calls))
	require.Less(t, events, sum(live.Transitions)+sum(live.Annotations))
	var liveCalls int64
	for _, c := range live.ModelCalls {
		liveCalls += c.Calls
	}
	require.Less(t, calls, liveCalls)

	// Compaction leaves one row per key and changes no number.
	require.NoError(t, b.svc.Compact(b.ctx))
	again, err := b.svc.Live(b.ctx)
	require.NoError(t, err)
	require.Equal(t, live, again)
	var rows, keys int64
	require.NoError(t, b.pool.QueryRow(b.ctx, `SELECT count(*), count(DISTINCT (kind, name, channel, deleted)) FROM item_event_counts`).Scan(&rows, &keys))
	require.Equal(t, keys, rows)
}

func sum(cs []metrics.Count) int64 {
	var n int64
	for _, c := range cs {
		n += c.N
	}
	return n
}

func TestRebuild(t *testing.T) {
	t.Parallel()
	b := setup(t)
	want := workload(t, b.ctx, b.pool, b.svc, 3, 80).live()

	// Lose the counters of recorded events and item states, invent calls.
	b.exec(t, "DELETE FROM item_event_counts WHERE NOT deleted")
	b.exec(t, "TRUNCATE item_state_counts")
	b.exec(t, "INSERT INTO model_call_counts VALUES ('bogus', 'ok', false, 5, 5, 5)")
	broken, err := b.svc.Live(b.ctx)
	require.NoError(t, err)
	require.NotEqual(t, want, broken)

	rebuilt, err := b.svc.Rebuild(b.ctx)
	require.NoError(t, err)
	require.Equal(t, want, rebuilt)
	live, err := b.svc.Live(b.ctx)
	require.NoError(t, err)
	require.Equal(t, want, live)
	recount, err := b.svc.Recount(b.ctx)
	require.NoError(t, err)
	require.Equal(t, recount, live)
}

// bareSchema returns a pool on a new, empty schema, dropped when the test
// ends.
func bareSchema(t *testing.T) *pgxpool.Pool {
	t.Helper()
	admin := pgtest.New(t)
	raw := make([]byte, 6)
	_, _ = rand.Read(raw)
	schema := "bare_" + hex.EncodeToString(raw)
	_, err := admin.Exec(t.Context(), "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize())
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = admin.Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
	})
	pool, err := postgres.Open(t.Context(), pgtest.URL(), postgres.PoolConfig{SearchPath: schema + ", public", MaxConns: 4})
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

// migrate applies Triage's migrations from..to (inclusive) to pool, up or
// down.
func migrate(t *testing.T, pool *pgxpool.Pool, from, to int, up bool) {
	t.Helper()
	all, err := postgres.Migrations()
	require.NoError(t, err)
	for _, m := range all {
		if m.Version < from || m.Version > to {
			continue
		}
		sql := m.Up
		if !up {
			raw, err := fs.ReadFile(migrations.FS, fmt.Sprintf("%03d_%s.down.sql", m.Version, m.Name))
			require.NoError(t, err)
			sql = string(raw)
		}
		_, err := pool.Exec(t.Context(), sql)
		require.NoError(t, err, "migration %03d_%s", m.Version, m.Name)
	}
}

func TestMigrationBackfill(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool := bareSchema(t)
	svc := metrics.NewService(pool, nil)
	migrate(t, pool, 1, 7, true)

	// History written before the counters existed, including a deleted
	// item (its events are gone from the history and from the backfill).
	want := workload(t, ctx, pool, nil, 2, 60)
	clear(want.transitions) // the backfill only knows the history there is
	clear(want.annotations)
	clear(want.calls)
	migrate(t, pool, 8, 8, true)

	live, err := svc.Live(ctx)
	require.NoError(t, err)
	recount, err := svc.Recount(ctx)
	require.NoError(t, err)
	require.Equal(t, recount, live, "the backfill starts the counters from the history")
	require.Equal(t, want.live().Items, live.Items)
	require.Equal(t, want.qa, live.QA)
	var events int64
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM item_events").Scan(&events))
	require.Equal(t, events, sum(live.Transitions)+sum(live.Annotations))

	// From then on the triggers count.
	more := workload(t, ctx, pool, svc, 2, 40)
	live, err = svc.Live(ctx)
	require.NoError(t, err)
	recount, err = svc.Recount(ctx)
	require.NoError(t, err)
	require.Equal(t, recount, live)
	require.NotEmpty(t, more.transitions)

	// Down removes everything 008 created; up again starts over.
	migrate(t, pool, 8, 8, false)
	var left int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relname LIKE '%\_counts'`).Scan(&left))
	require.Zero(t, left)
	insertItem(t, ctx, items.NewStore(pool), "email", "after-down", time.Now())
	migrate(t, pool, 8, 8, true)
	live, err = svc.Live(ctx)
	require.NoError(t, err)
	recount, err = svc.Recount(ctx)
	require.NoError(t, err)
	require.Equal(t, recount, live)
}
