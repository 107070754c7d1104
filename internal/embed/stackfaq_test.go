package embed_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/embed"
)

// TestStackFAQRetrieval measures vector-only retrieval on StackFAQ: every
// FAQ entry is embedded as one document (question, then answers, one a
// line), every paraphrased query is embedded, and the entries are ranked
// by cosine. The data comes from $TRIAGE_DATA_DIR (../../../shared/data by
// default) and must be there: CI always has it.
//
// The GloVe case needs the word vectors `make setup` installs
// (install-glove.sh): like the data, they are always there in CI.
func TestStackFAQRetrieval(t *testing.T) {
	t.Parallel()

	set := loadStackFAQ(t)
	tests := []struct {
		name    string
		vectors bool
		floor   retrievalMetrics // measured: R@1 0.670 R@5 0.914 R@10 0.958 MRR 0.777 hashed; 0.688 0.923 0.958 0.792 with GloVe
	}{
		{"Hashed", false, retrievalMetrics{R1: 0.64, R5: 0.89, R10: 0.94, MRR: 0.75}},
		{"GloVe", true, retrievalMetrics{R1: 0.66, R5: 0.90, R10: 0.94, MRR: 0.77}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			cfg := embed.LocalConfig{}
			if tt.vectors {
				cfg.WordVectors = installedWordVectors(t)
			}
			local, err := embed.NewLocal(cfg)
			require.NoError(t, err)
			got := set.evaluate(t, local)
			t.Logf("%s: %v", local.Model(), got)
			require.GreaterOrEqual(t, got.R1, tt.floor.R1, "recall@1")
			require.GreaterOrEqual(t, got.R5, tt.floor.R5, "recall@5")
			require.GreaterOrEqual(t, got.R10, tt.floor.R10, "recall@10")
			require.GreaterOrEqual(t, got.MRR, tt.floor.MRR, "MRR")
		})
	}
}

// installedWordVectors loads the word vectors at DefaultWordVectorsPath;
// the test fails, saying how to install them, when they are missing.
func installedWordVectors(t *testing.T) *embed.WordVectors {
	t.Helper()
	wv, err := embed.LoadDefaultWordVectors()
	require.NoError(t, err, "word vectors not installed: run `make setup` (internal/embed/install-glove.sh)")
	return wv
}

// stackFAQ is the retrieval set.
type stackFAQ struct {
	ids, docs []string
	queries   []faqQuery
}

type faqQuery struct {
	Query    string   `json:"query"`
	Relevant []string `json:"relevant"`
}

// retrievalMetrics are the share of queries whose first relevant entry is
// ranked first, in the top 5 and top 10, and the mean reciprocal rank.
type retrievalMetrics struct {
	R1, R5, R10, MRR float64
}

func (m retrievalMetrics) String() string {
	return fmt.Sprintf("recall@1 %.3f recall@5 %.3f recall@10 %.3f MRR %.3f", m.R1, m.R5, m.R10, m.MRR)
}

func loadStackFAQ(t *testing.T) stackFAQ {
	t.Helper()
	dir := os.Getenv("TRIAGE_DATA_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "data")
	}
	dir = filepath.Join(dir, "stackfaq")
	var set stackFAQ
	readJSONL(t, filepath.Join(dir, "kb.jsonl"), func(line []byte) {
		var f struct {
			ID       string   `json:"id"`
			Question string   `json:"question"`
			Answers  []string `json:"answers"`
		}
		require.NoError(t, json.Unmarshal(line, &f))
		set.ids = append(set.ids, f.ID)
		set.docs = append(set.docs, f.Question+"\n"+strings.Join(f.Answers, "\n"))
	})
	readJSONL(t, filepath.Join(dir, "queries.jsonl"), func(line []byte) {
		var q faqQuery
		require.NoError(t, json.Unmarshal(line, &q))
		set.queries = append(set.queries, q)
	})
	require.NotEmpty(t, set.docs)
	require.NotEmpty(t, set.queries)
	return set
}

func readJSONL(t *testing.T, path string, fn func([]byte)) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err, "the StackFAQ data is required: set TRIAGE_DATA_DIR to the shared data directory")
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<24)
	for sc.Scan() {
		fn(sc.Bytes())
	}
	require.NoError(t, sc.Err())
}

// evaluate ranks every entry for every query.
func (s stackFAQ) evaluate(t *testing.T, e embed.Embedder) retrievalMetrics {
	t.Helper()
	ctx := context.Background()
	docs, err := e.Embed(ctx, s.docs)
	require.NoError(t, err)
	texts := make([]string, len(s.queries))
	for i, q := range s.queries {
		texts[i] = q.Query
	}
	queries, err := e.Embed(ctx, texts)
	require.NoError(t, err)
	var m retrievalMetrics
	for i, q := range s.queries {
		rank := s.rankOfRelevant(queries[i], docs, q.Relevant)
		m.R1 += b2f(rank < 1)
		m.R5 += b2f(rank < 5)
		m.R10 += b2f(rank < 10)
		m.MRR += 1 / float64(rank+1)
	}
	n := float64(len(s.queries))
	return retrievalMetrics{R1: m.R1 / n, R5: m.R5 / n, R10: m.R10 / n, MRR: m.MRR / n}
}

// rankOfRelevant returns the 0-based rank of the best-ranked relevant
// entry; ties count against it.
func (s stackFAQ) rankOfRelevant(q []float32, docs [][]float32, relevant []string) int {
	best := float32(-2)
	for i, d := range docs {
		if slices.Contains(relevant, s.ids[i]) {
			best = max(best, dot(q, d))
		}
	}
	rank := 0
	for i, d := range docs {
		if !slices.Contains(relevant, s.ids[i]) && dot(q, d) >= best {
			rank++
		}
	}
	return rank
}

func dot(a, b []float32) float32 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
