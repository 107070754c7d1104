package metrics_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/calllog"
	"github.com/triage-oss/triage/internal/eval"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/metrics"
	"github.com/triage-oss/triage/internal/postgres/pgtest"
)

type testBundle struct {
	ctx  context.Context
	pool *pgxpool.Pool
	svc  *metrics.Service
}

var testPrices = map[string]eval.Price{
	"gpt-4o-mini": {InputPerMillion: 0.15, OutputPerMillion: 0.60},
	"gpt-4o":      {InputPerMillion: 2.50, OutputPerMillion: 10.00},
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	pool := pgtest.New(t)
	return &testBundle{ctx: t.Context(), pool: pool, svc: metrics.NewService(pool, testPrices)}
}

// insertItem stores one item of channel received at `at` through the items
// store (with its first event) and returns its id.
func insertItem(t *testing.T, ctx context.Context, db *items.Store, channel, externalID string, at time.Time) int64 {
	t.Helper()
	body := fmt.Sprintf(`{"items":[{"channel":%q,"external_id":%q,"text":"message %s"}]}`, channel, externalID, externalID)
	b, err := items.DecodeBatch([]byte(body), at)
	require.NoError(t, err)
	out, err := db.Insert(ctx, b.Items, "api", at)
	require.NoError(t, err)
	require.True(t, out[0].Created)
	return out[0].ID
}

func (b *testBundle) exec(t *testing.T, sql string, args ...any) {
	t.Helper()
	_, err := b.pool.Exec(b.ctx, sql, args...)
	require.NoError(t, err)
}

func recordCall(t *testing.T, ctx context.Context, db *calllog.Store, c calllog.Call) {
	t.Helper()
	require.NoError(t, db.Record(ctx, c))
}

// percentile interpolates linearly between the closest ranks, as
// PostgreSQL's percentile_cont does.
func percentile(xs []float64, p float64) *float64 {
	if len(xs) == 0 {
		return nil
	}
	s := slices.Sorted(slices.Values(xs))
	pos := p * float64(len(s)-1)
	lo := int(math.Floor(pos))
	v := s[lo]
	if lo+1 < len(s) {
		v += (s[lo+1] - s[lo]) * (pos - float64(lo))
	}
	return &v
}

func frac(a, b int64) *float64 {
	if b == 0 {
		return nil
	}
	f := float64(a) / float64(b)
	return &f
}

func ptr(f float64) *float64 { return &f }
