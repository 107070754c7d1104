package items_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/postgres/pgtest"
)

type testBundle struct {
	ctx   context.Context
	pool  *pgxpool.Pool
	store *items.Store
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	pool := pgtest.New(t)
	return &testBundle{ctx: t.Context(), pool: pool, store: items.NewStore(pool)}
}

// batch decodes body as an ingestion request, validated at now.
func batch(t *testing.T, body string, now time.Time) []items.NewItem {
	t.Helper()
	b, err := items.DecodeBatch([]byte(body), now)
	require.NoError(t, err)
	return b.Items
}

// item is the JSON of one item of channel with external id and text.
func item(channel, id, text string) string {
	return fmt.Sprintf(`{"channel":%q,"external_id":%q,"text":%q}`, channel, id, text)
}

func itemsBody(objs ...string) string { return `{"items":[` + strings.Join(objs, ",") + `]}` }

// insert stores the items at now and returns their outcomes.
func (b *testBundle) insert(t *testing.T, now time.Time, objs ...string) []items.Inserted {
	t.Helper()
	out, err := b.store.Insert(b.ctx, batch(t, itemsBody(objs...), now), "api", now)
	require.NoError(t, err)
	require.Len(t, out, len(objs))
	return out
}

func (b *testBundle) events(t *testing.T, id int64) []items.Event {
	t.Helper()
	evs, err := b.store.Events(b.ctx, id)
	require.NoError(t, err)
	return evs
}

func (b *testBundle) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, sql, args...).Scan(&n))
	return n
}

func (b *testBundle) get(t *testing.T, id int64) items.Item {
	t.Helper()
	it, err := b.store.Get(b.ctx, id)
	require.NoError(t, err)
	return it
}

func TestStoreInsert(t *testing.T) {
	t.Parallel()

	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

	t.Run("new batch", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		body := itemsBody(
			`{"channel":"reddit","external_id":"t3_a","author":"u/ann","text":"Sync is broken","url":"https://reddit.com/r/x/t3_a",
			  "thread_id":"t3_a","created_at":"2026-11-23T08:30:00+01:00","metadata":{"subreddit":"x","score":3}}`,
			item("x", "17", "love the new release"),
			item("email", "<m1@example.com>", "refund please"),
		)
		out, err := b.store.Insert(b.ctx, batch(t, body, now), "api-key:acme", now)
		require.NoError(t, err)
		require.Len(t, out, 3)
		keys := [][2]string{{"reddit", "t3_a"}, {"x", "17"}, {"email", "<m1@example.com>"}}
		ids := map[int64]bool{}
		for i, in := range out {
			require.Equal(t, keys[i], [2]string{in.Channel, in.ExternalID}, "outcome %d out of order", i)
			require.True(t, in.Created)
			require.Equal(t, items.StateReceived, in.State)
			require.Positive(t, in.ID)
			ids[in.ID] = true

			evs := b.events(t, in.ID)
			require.Len(t, evs, 1)
			require.Nil(t, evs[0].From)
			require.Equal(t, items.StateReceived, evs[0].To)
			require.Equal(t, "api-key:acme", evs[0].Actor)
			require.Equal(t, in.ID, evs[0].ItemID)
			require.WithinDuration(t, now, evs[0].At, 0)
		}
		require.Len(t, ids, 3, "ids must be distinct")

		it := b.get(t, out[0].ID)
		require.Equal(t, "reddit", it.Channel)
		require.Equal(t, "t3_a", it.ExternalID)
		require.Equal(t, "u/ann", it.Author)
		require.Equal(t, "Sync is broken", it.Text)
		require.Equal(t, "https://reddit.com/r/x/t3_a", it.URL)
		require.Equal(t, "t3_a", it.ThreadID)
		require.Empty(t, it.ParentID)
		require.JSONEq(t, `{"subreddit":"x","score":3}`, string(it.Metadata))
		require.Equal(t, items.StateReceived, it.State)
		require.Empty(t, it.StateReason)
		require.Nil(t, it.DuplicateOf)
		require.WithinDuration(t, time.Date(2026, 11, 23, 7, 30, 0, 0, time.UTC), it.CreatedAt, 0)
		require.WithinDuration(t, now, it.ReceivedAt, 0)
		require.WithinDuration(t, now, it.UpdatedAt, 0)

		it = b.get(t, out[1].ID)
		require.JSONEq(t, `{}`, string(it.Metadata))
		require.WithinDuration(t, now, it.CreatedAt, 0, "created_at defaults to the time received")
		require.Equal(t, 3, b.count(t, `SELECT count(*) FROM item_events`))
	})

	t.Run("re-insert", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		objs := []string{item("x", "1", "first"), item("x", "2", "second")}
		first := b.insert(t, now, objs...)
		again := b.insert(t, now.Add(time.Hour), objs...)
		for i := range objs {
			require.Equal(t, first[i].ID, again[i].ID)
			require.Equal(t, first[i].Channel, again[i].Channel)
			require.Equal(t, first[i].ExternalID, again[i].ExternalID)
			require.False(t, again[i].Created)
			require.Equal(t, items.StateReceived, again[i].State)
			require.Len(t, b.events(t, again[i].ID), 1, "a redelivery writes no event")
			require.WithinDuration(t, now, b.get(t, again[i].ID).ReceivedAt, 0, "a redelivery changes nothing")
		}
		require.Equal(t, 2, b.count(t, `SELECT count(*) FROM items`))
	})

	t.Run("re-insert reports the current state", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		first := b.insert(t, now, item("x", "1", "first"))
		require.NoError(t, b.store.Transition(b.ctx, first[0].ID, items.Change{
			From: items.StateReceived, To: items.StateClassified, Actor: "worker", At: now.Add(time.Minute),
		}))
		again := b.insert(t, now.Add(time.Hour), item("x", "1", "first"))
		require.Equal(t, first[0].ID, again[0].ID)
		require.False(t, again[0].Created)
		require.Equal(t, items.StateClassified, again[0].State)
	})

	t.Run("existing and new items mixed", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		old := b.insert(t, now, item("x", "2", "old"))
		out := b.insert(t, now.Add(time.Hour), item("x", "1", "new"), item("x", "2", "old"), item("x", "3", "new too"))
		require.True(t, out[0].Created)
		require.Equal(t, old[0].ID, out[1].ID)
		require.False(t, out[1].Created)
		require.True(t, out[2].Created)
		require.Equal(t, "3", out[2].ExternalID)
		require.Equal(t, 3, b.count(t, `SELECT count(*) FROM items`))
		require.Equal(t, 3, b.count(t, `SELECT count(*) FROM item_events`))
	})

	t.Run("repeat inside one batch", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		out := b.insert(t, now, item("x", "1", "same"), item("x", "2", "other"), item("x", "1", "same"))
		require.Equal(t, out[0].ID, out[2].ID)
		require.NotEqual(t, out[0].ID, out[1].ID)
		require.True(t, out[0].Created)
		require.True(t, out[1].Created)
		require.False(t, out[2].Created, "only the first of a repeat is created")
		require.Equal(t, items.StateReceived, out[2].State)
		require.Len(t, b.events(t, out[0].ID), 1)
		require.Equal(t, 2, b.count(t, `SELECT count(*) FROM items`))
	})

	t.Run("same external id on two channels", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		out := b.insert(t, now, item("x", "1", "hi"), item("discord", "1", "hi"))
		require.NotEqual(t, out[0].ID, out[1].ID)
		require.True(t, out[0].Created)
		require.True(t, out[1].Created)
	})

	t.Run("concurrent inserts of the same batch", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		const n, rounds = 20, 5
		for r := range rounds {
			objs := make([]string, n)
			for i := range objs {
				objs[i] = item("x", fmt.Sprintf("r%d-%d", r, i), fmt.Sprintf("text %d", i))
			}
			body := itemsBody(objs...)
			var (
				wg    sync.WaitGroup
				start = make(chan struct{})
				outs  [2][]items.Inserted
				errs  [2]error
			)
			for g := range 2 {
				nb := batch(t, body, now)
				wg.Go(func() {
					<-start
					errs[g] = pgx.BeginFunc(b.ctx, b.pool, func(tx pgx.Tx) error {
						var err error
						outs[g], err = b.store.WithTx(tx).Insert(b.ctx, nb, fmt.Sprintf("client-%d", g), now)
						return err
					})
				})
			}
			close(start)
			wg.Wait()
			require.NoError(t, errs[0])
			require.NoError(t, errs[1])
			for i := range n {
				require.Equal(t, outs[0][i].ID, outs[1][i].ID, "round %d item %d", r, i)
				require.NotEqual(t, outs[0][i].Created, outs[1][i].Created, "round %d item %d: exactly one insert creates it", r, i)
			}
		}
		require.Equal(t, 0, b.count(t, `SELECT count(*) FROM (SELECT 1 FROM items GROUP BY channel, external_id HAVING count(*) > 1) d`))
		require.Equal(t, n*rounds, b.count(t, `SELECT count(*) FROM items`))
		require.Equal(t, n*rounds, b.count(t, `SELECT count(*) FROM item_events`))
	})

	t.Run("rolled back with its transaction", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		errRollback := errors.New("enqueue failed")
		err := pgx.BeginFunc(b.ctx, b.pool, func(tx pgx.Tx) error {
			_, err := b.store.WithTx(tx).Insert(b.ctx, batch(t, item("x", "1", "a"), now), "api", now)
			require.NoError(t, err)
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		require.Equal(t, 0, b.count(t, `SELECT count(*) FROM items`))
		require.Equal(t, 0, b.count(t, `SELECT count(*) FROM item_events`))
	})

	t.Run("unvalidated item", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		valid := batch(t, item("x", "1", "a"), now)
		unvalidated := items.NewItem{Channel: "x", ExternalID: "2", Text: "b"}
		_, err := b.store.Insert(b.ctx, append(valid, unvalidated), "api", now)
		require.Error(t, err)
		require.Contains(t, err.Error(), "items[1]")
		require.Equal(t, 0, b.count(t, `SELECT count(*) FROM items`), "nothing of the batch is stored")
	})

	t.Run("empty batch", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		out, err := b.store.Insert(b.ctx, nil, "api", now)
		require.NoError(t, err)
		require.Empty(t, out)
	})
}

func TestStoreGet(t *testing.T) {
	t.Parallel()

	b := setup(t)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	out := b.insert(t, now, item("slack", "C1/1700000000.0001", "the export button does nothing"))

	tests := []struct {
		name string
		id   int64
		code apperr.Code
	}{
		{name: "found", id: out[0].ID},
		{name: "not found", id: out[0].ID + 1000, code: apperr.ENOTFOUND},
		{name: "zero id", id: 0, code: apperr.ENOTFOUND},
		{name: "negative id", id: -1, code: apperr.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			it, err := b.store.Get(b.ctx, tt.id)
			if tt.code != "" {
				require.Equal(t, tt.code, apperr.CodeOf(err), "error: %v", err)
				require.Contains(t, apperr.MessageOf(err), fmt.Sprint(tt.id))
				require.Zero(t, it)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.id, it.ID)
			require.Equal(t, "slack", it.Channel)
			require.Equal(t, "the export button does nothing", it.Text)
		})
	}
}

func TestStoreTransition(t *testing.T) {
	t.Parallel()

	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	later := now.Add(90 * time.Second)

	t.Run("success", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		id := b.insert(t, now, item("x", "1", "refund please"))[0].ID
		err := b.store.Transition(b.ctx, id, items.Change{
			From:   items.StateReceived,
			To:     items.StateClassified,
			Reason: "classified by gpt-4o-mini",
			Actor:  "worker",
			Detail: map[string]any{"model": "gpt-4o-mini", "attempt": 1},
			At:     later,
		})
		require.NoError(t, err)

		it := b.get(t, id)
		require.Equal(t, items.StateClassified, it.State)
		require.Equal(t, "classified by gpt-4o-mini", it.StateReason)
		require.Nil(t, it.DuplicateOf)
		require.WithinDuration(t, later, it.UpdatedAt, 0)
		require.WithinDuration(t, now, it.ReceivedAt, 0)

		evs := b.events(t, id)
		require.Len(t, evs, 2)
		require.Less(t, evs[0].ID, evs[1].ID)
		ev := evs[1]
		require.Equal(t, id, ev.ItemID)
		require.NotNil(t, ev.From)
		require.Equal(t, items.StateReceived, *ev.From)
		require.Equal(t, items.StateClassified, ev.To)
		require.Equal(t, "classified by gpt-4o-mini", ev.Reason)
		require.Equal(t, "worker", ev.Actor)
		require.JSONEq(t, `{"model":"gpt-4o-mini","attempt":1}`, string(ev.Detail))
		require.WithinDuration(t, later, ev.At, 0)
	})

	t.Run("without detail", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		id := b.insert(t, now, item("x", "1", "?"))[0].ID
		require.NoError(t, b.store.Transition(b.ctx, id, items.Change{
			From: items.StateReceived, To: items.StateNeedsHuman, Reason: "model answered garbage", Actor: "worker", At: later,
		}))
		evs := b.events(t, id)
		require.Len(t, evs, 2)
		require.JSONEq(t, `{}`, string(evs[1].Detail))
		require.Equal(t, items.StateNeedsHuman, b.get(t, id).State)
	})

	t.Run("to duplicate", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		out := b.insert(t, now, item("x", "1", "spam link"), item("x", "2", "spam link"))
		require.NoError(t, b.store.Transition(b.ctx, out[1].ID, items.Change{
			From: items.StateReceived, To: items.StateDuplicate, Reason: "same text as item", Actor: "worker",
			DuplicateOf: out[0].ID, At: later,
		}))
		it := b.get(t, out[1].ID)
		require.Equal(t, items.StateDuplicate, it.State)
		require.NotNil(t, it.DuplicateOf)
		require.Equal(t, out[0].ID, *it.DuplicateOf)
	})

	t.Run("chain of transitions", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		id := b.insert(t, now, item("x", "1", "hello"))[0].ID
		steps := []items.State{items.StateNeedsHuman, items.StateClassified}
		from := items.StateReceived
		for i, to := range steps {
			require.NoError(t, b.store.Transition(b.ctx, id, items.Change{From: from, To: to, Actor: "worker", At: later.Add(time.Duration(i) * time.Minute)}))
			from = to
		}
		evs := b.events(t, id)
		require.Len(t, evs, 3)
		for i, ev := range evs[1:] {
			require.Equal(t, steps[i], ev.To)
			require.Equal(t, evs[i].To, *ev.From, "each event starts where the previous ended")
		}
	})

	t.Run("wrong expected state", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		id := b.insert(t, now, item("x", "1", "hello"))[0].ID
		require.NoError(t, b.store.Transition(b.ctx, id, items.Change{From: items.StateReceived, To: items.StateClassified, Reason: "first", Actor: "worker-1", At: later}))
		before := b.get(t, id)

		err := b.store.Transition(b.ctx, id, items.Change{
			From: items.StateReceived, To: items.StateNeedsHuman, Reason: "second", Actor: "worker-2", At: later.Add(time.Minute),
		})
		require.Error(t, err)
		require.ErrorIs(t, err, items.ErrStateChanged)
		require.Equal(t, apperr.ECONFLICT, apperr.CodeOf(err))
		require.Contains(t, apperr.MessageOf(err), string(items.StateReceived))

		require.Equal(t, before, b.get(t, id), "the item is unchanged")
		require.Len(t, b.events(t, id), 2, "no event is written")
	})

	t.Run("invalid target state", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		id := b.insert(t, now, item("x", "1", "hello"))[0].ID
		err := b.store.Transition(b.ctx, id, items.Change{From: items.StateReceived, To: "archived", Actor: "worker", At: later})
		require.Error(t, err)
		require.NotErrorIs(t, err, items.ErrStateChanged)
		require.Equal(t, apperr.EINTERNAL, apperr.CodeOf(err))
		require.Equal(t, items.StateReceived, b.get(t, id).State)
		require.Len(t, b.events(t, id), 1)
	})
}

func TestStoreFindDuplicate(t *testing.T) {
	t.Parallel()

	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	window := 24 * time.Hour

	type dupBundle struct {
		*testBundle
		ids map[string]int64 // item ids by key
	}
	// setupItems stores, one by one and in this order: the original a at t0, its
	// normalized copy b at t0+2h (marked a duplicate of a), a copy c on
	// another channel at t0+3h, d (the same text as a) at t0+26h, and an
	// unrelated e at t0+27h.
	setupItems := func(t *testing.T) *dupBundle {
		t.Helper()
		b := &dupBundle{testBundle: setup(t), ids: map[string]int64{}}
		for _, it := range []struct {
			key, body string
			at        time.Time
		}{
			{"a", item("reddit", "a", "Sync is BROKEN again"), t0},
			{"b", item("reddit", "b", "sync  is broken\u200b again "), t0.Add(2 * time.Hour)},
			{"c", item("x", "c", "Sync is BROKEN again"), t0.Add(3 * time.Hour)},
			{"d", item("reddit", "d", "ＳＹＮＣ is broken again"), t0.Add(26 * time.Hour)},
			{"e", item("reddit", "e", "Sync works again"), t0.Add(27 * time.Hour)},
		} {
			b.ids[it.key] = b.insert(t, it.at, it.body)[0].ID
		}
		require.NoError(t, b.store.Transition(b.ctx, b.ids["b"], items.Change{
			From: items.StateReceived, To: items.StateDuplicate, Actor: "worker", DuplicateOf: b.ids["a"], At: t0.Add(2 * time.Hour),
		}))
		return b
	}

	tests := []struct {
		name  string
		item  string
		since time.Time
		want  string // the original found; "" for none
	}{
		{name: "same normalized text earlier", item: "b", since: t0.Add(2*time.Hour - window), want: "a"},
		{name: "earliest item itself", item: "a", since: t0.Add(-window), want: ""},
		{name: "different channel", item: "c", since: t0.Add(3*time.Hour - window), want: ""},
		{name: "earlier duplicate resolves to its original", item: "d", since: t0.Add(time.Hour), want: "a"},
		{name: "everything earlier outside the window", item: "d", since: t0.Add(2*time.Hour + time.Second), want: ""},
		{name: "window starting exactly at the earlier item", item: "d", since: t0.Add(2 * time.Hour), want: "a"},
		{name: "original in the window", item: "d", since: t0, want: "a"},
		{name: "different text", item: "e", since: t0.Add(-window), want: ""},
		{name: "unknown item", item: "", since: t0.Add(-window), want: ""},
	}
	b := setupItems(t) // shared: the cases only read
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id := b.ids[tt.item]
			if tt.item == "" {
				id = 1 << 40
			}
			got, found, err := b.store.FindDuplicate(b.ctx, id, tt.since)
			require.NoError(t, err)
			if tt.want == "" {
				require.False(t, found, "found item %d", got)
				require.Zero(t, got)
				return
			}
			require.True(t, found)
			require.Equal(t, b.ids[tt.want], got)
		})
	}
}

func TestStoreCountByState(t *testing.T) {
	t.Parallel()

	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

	t.Run("empty", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		counts, err := b.store.CountByState(b.ctx)
		require.NoError(t, err)
		require.Empty(t, counts)
	})
	t.Run("one of each", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		out := b.insert(t, now, item("x", "1", "a"), item("x", "2", "b"), item("x", "3", "c"), item("x", "4", "d"), item("x", "5", "a"))
		move := func(i int, to items.State, dup int64) {
			require.NoError(t, b.store.Transition(b.ctx, out[i].ID, items.Change{From: items.StateReceived, To: to, Actor: "worker", DuplicateOf: dup, At: now}))
		}
		move(1, items.StateClassified, 0)
		move(2, items.StateClassified, 0)
		move(3, items.StateNeedsHuman, 0)
		move(4, items.StateDuplicate, out[0].ID)

		counts, err := b.store.CountByState(b.ctx)
		require.NoError(t, err)
		require.Equal(t, map[items.State]int64{
			items.StateReceived:   1,
			items.StateClassified: 2,
			items.StateNeedsHuman: 1,
			items.StateDuplicate:  1,
		}, counts)
		for st := range counts {
			require.Contains(t, items.States, st)
		}
	})
}

// The Event and Item JSON shapes are part of the HTTP API.
func TestEventJSON(t *testing.T) {
	t.Parallel()

	from := items.StateReceived
	tests := []struct {
		name string
		ev   items.Event
		want string
	}{
		{
			name: "first event",
			ev:   items.Event{ID: 1, ItemID: 2, To: items.StateReceived, Actor: "api", At: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)},
			want: `{"id":1,"item_id":2,"to":"received","actor":"api","at":"2026-11-23T10:00:00Z"}`,
		},
		{
			name: "transition",
			ev: items.Event{ID: 3, ItemID: 2, From: &from, To: items.StateClassified, Reason: "ok", Actor: "worker",
				Detail: json.RawMessage(`{"model":"m"}`), At: time.Date(2026, 11, 23, 10, 1, 0, 0, time.UTC)},
			want: `{"id":3,"item_id":2,"from":"received","to":"classified","reason":"ok","actor":"worker","detail":{"model":"m"},"at":"2026-11-23T10:01:00Z"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(tt.ev)
			require.NoError(t, err)
			require.JSONEq(t, tt.want, string(b))
		})
	}
}
