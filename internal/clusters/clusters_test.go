package clusters_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/clusters"
	"github.com/triage-oss/triage/internal/embed"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/postgres/pgtest"
)

// testBundle is a schema of the test's own and the offline embedder.
type testBundle struct {
	ctx   context.Context
	pool  *pgxpool.Pool
	store *items.Store
	local *embed.Local
	n     int // items added
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	pool := pgtest.New(t)
	local, err := embed.NewLocal(embed.LocalConfig{})
	require.NoError(t, err)
	return &testBundle{ctx: context.Background(), pool: pool, store: items.NewStore(pool), local: local}
}

// add stores an item of channel with text received at received, moves it
// to state, and runs m.Find on it, which stores its vector.
func (b *testBundle) add(t *testing.T, m *clusters.Matcher, channel, text string, received time.Time, state items.State) items.Item {
	t.Helper()
	b.n++
	batch, err := items.DecodeBatch(fmt.Appendf(nil, `{"channel":%q,"external_id":"%d","text":%q}`, channel, b.n, text), received)
	require.NoError(t, err)
	res, err := b.store.Insert(b.ctx, batch.Items, "test", received)
	require.NoError(t, err)
	if state != items.StateReceived {
		require.NoError(t, b.store.Transition(b.ctx, res[0].ID, items.Change{From: items.StateReceived, To: state, Actor: "test", At: received}))
	}
	it, err := b.store.Get(b.ctx, res[0].ID)
	require.NoError(t, err)
	_, _, err = m.Find(b.ctx, it)
	require.NoError(t, err)
	return it
}

func TestFind(t *testing.T) {
	t.Parallel()
	b := setup(t)
	m := clusters.NewMatcher(b.pool, b.local, clusters.Config{Window: time.Hour})
	ctx := b.ctx
	add := func(channel, text string, received time.Time, state items.State) items.Item {
		t.Helper()
		return b.add(t, m, channel, text, received, state)
	}
	now := time.Now()
	origin := add("x", "Checkout keeps failing with error 502 when I pay by card", now.Add(-10*time.Minute), items.StateClassified)
	add("email", "Checkout keeps failing with error 502 when I pay by card!", now.Add(-5*time.Minute), items.StateClassified)
	add("x", "Is the referral programme still running this month?", now.Add(-2*time.Hour), items.StateClassified)
	add("x", "same!", now.Add(-time.Minute), items.StateClassified)
	waiting := add("x", "Is the referral programme still running this month??", now.Add(-time.Minute), items.StateReceived)

	tests := []struct {
		name, channel, text string
		want                int64 // 0: no near-duplicate
		pending             bool
	}{
		{"small edit, same family", "bluesky", "checkout keeps failing with error 502 when i pay by card!!", origin.ID, false},
		{"unrelated", "x", "Love the new dark mode, great work team", 0, false},
		{"too short to tell", "x", "same!!", 0, false},
		// The classified one is outside the window; the recent one is
		// still waiting for triage: worth waiting for.
		{"older one still waiting", "x", "Is the referral programme still running this month", waiting.ID, true},
	}
	for _, tt := range tests {
		it := add(tt.channel, tt.text, now, items.StateReceived)
		got, ok, err := m.Find(ctx, it)
		require.NoError(t, err)
		if tt.want == 0 {
			require.False(t, ok, "%s: matched %+v", tt.name, got)
			continue
		}
		require.True(t, ok, "%s: similarity %.3f", tt.name, got.Similarity)
		require.Equal(t, tt.want, got.Origin, tt.name)
		require.Equal(t, tt.pending, got.Pending, tt.name)
		require.GreaterOrEqual(t, got.Similarity, clusters.DefaultThreshold)
	}
}

// Vectors of another embedding model are never compared: after a switch
// of model the old vectors neither match nor crowd out the new ones.
func TestFindIgnoresOtherModels(t *testing.T) {
	t.Parallel()
	b := setup(t)
	old := clusters.NewMatcher(b.pool, renamed{b.local, "old-model"}, clusters.Config{Window: time.Hour})
	current := clusters.NewMatcher(b.pool, b.local, clusters.Config{Window: time.Hour})
	text := "Checkout keeps failing with error 502 when I pay by card"
	now := time.Now()
	b.add(t, old, "x", text, now, items.StateClassified)
	it := b.add(t, current, "x", text+"!", now, items.StateReceived)
	_, ok, err := current.Find(b.ctx, it)
	require.NoError(t, err)
	require.False(t, ok, "the only near-duplicate was embedded by another model")
	origin := b.add(t, current, "x", text+"!!", now, items.StateClassified)
	m, ok, err := current.Find(b.ctx, it)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, origin.ID, m.Origin)
}

// renamed is an embedder under another model name.
type renamed struct {
	*embed.Local
	model string
}

func (r renamed) Model() string { return r.model }
