package clusters_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/clusters"
	"github.com/triage-oss/triage/internal/embed"
	"github.com/triage-oss/triage/internal/items"
)

func cosine(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	return dot / math.Sqrt(na*nb)
}

// The sketch must keep near-duplicates near and unrelated texts apart, or
// the index proposes the wrong candidates.
func TestSketchKeepsCosines(t *testing.T) {
	t.Parallel()
	e, err := embed.NewLocal(embed.LocalConfig{})
	require.NoError(t, err)
	texts := []string{
		"Checkout keeps failing with error 502 when I pay by card",
		"checkout keeps failing with error 502 when i pay by card!!",
		"Is the referral programme still running this month?",
		"Love the new dark mode, great work team",
		"My invoice shows a duplicate charge for November, please refund",
		"I was charged twice on my November invoice, need a refund",
	}
	vecs, err := e.Embed(context.Background(), texts)
	require.NoError(t, err)
	sketches := make([][]float32, len(vecs))
	for i, v := range vecs {
		sketches[i] = clusters.Sketch(v)
		require.Len(t, sketches[i], clusters.SketchDim)
		require.Equal(t, sketches[i], clusters.Sketch(v), "deterministic")
	}
	for i := range vecs {
		for j := i + 1; j < len(vecs); j++ {
			full, sk := cosine(vecs[i], vecs[j]), cosine(sketches[i], sketches[j])
			require.InDelta(t, full, sk, 0.15, "%q vs %q", texts[i], texts[j])
		}
	}
	require.Greater(t, cosine(sketches[0], sketches[1]), 0.8, "near-duplicates stay near")
	require.Less(t, cosine(sketches[0], sketches[3]), 0.5, "unrelated texts stay apart")
}

func TestPrune(t *testing.T) {
	t.Parallel()
	b := setup(t)
	m := clusters.NewMatcher(b.pool, b.local, clusters.Config{Window: time.Hour})
	now := time.Now()
	for i, age := range []time.Duration{3 * time.Hour, 2 * time.Hour, 30 * time.Minute, time.Minute} {
		b.add(t, m, "x", fmt.Sprintf("checkout fails with error %d again today", i), now.Add(-age), items.StateReceived)
	}
	n, err := clusters.NewPruneWorker(b.pool, time.Hour, nil).Prune(b.ctx)
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
	var left int
	require.NoError(t, b.pool.QueryRow(b.ctx, "SELECT count(*) FROM item_embeddings WHERE received_at >= $1", now.Add(-time.Hour)).Scan(&left))
	require.Equal(t, 2, left)
}
