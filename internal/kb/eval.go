package kb

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"time"
)

// EvalQuery is one retrieval eval question: its text and the ids of the
// articles that answer it.
type EvalQuery struct {
	Query    string   `json:"query"`
	Relevant []string `json:"relevant"`
}

// LoadEvalQueries reads a JSONL file of EvalQuery.
func LoadEvalQueries(path string) ([]EvalQuery, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []EvalQuery
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var q EvalQuery
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, line, err)
		}
		if q.Query == "" || len(q.Relevant) == 0 {
			return nil, fmt.Errorf("%s line %d: query and relevant are required", path, line)
		}
		out = append(out, q)
	}
	return out, sc.Err()
}

// ModeScore is the retrieval quality of one mode, at the article level: a
// query is answered at rank r when the r-th distinct article found is one
// of its relevant ones.
type ModeScore struct {
	Recall1  float64 `json:"recall@1"`
	Recall5  float64 `json:"recall@5"`
	Recall10 float64 `json:"recall@10"`
	// MRR is the mean reciprocal rank of the first relevant article within
	// the first ten (0 when none is).
	MRR float64 `json:"mrr"`
	// LatencyP50MS and LatencyP95MS time Search, embedding included.
	LatencyP50MS float64 `json:"latency_p50_ms"`
	LatencyP95MS float64 `json:"latency_p95_ms"`
}

// EvalReport scores every mode on a query set.
type EvalReport struct {
	Queries int                `json:"queries"`
	Modes   map[Mode]ModeScore `json:"modes"`
}

// Evaluate runs every query in every mode and scores the modes. k is the
// cut-off of the reported ranking (recall@10 always looks at ten).
func Evaluate(ctx context.Context, r *Retriever, queries []EvalQuery) (EvalReport, error) {
	rep := EvalReport{Queries: len(queries), Modes: map[Mode]ModeScore{}}
	for _, mode := range Modes {
		var s ModeScore
		lat := make([]float64, 0, len(queries))
		for _, q := range queries {
			start := time.Now()
			// Several passages may come from one article: ask for more
			// passages than the ten articles scored.
			hits, err := r.Search(ctx, Query{Text: q.Query, Mode: mode, K: 30})
			if err != nil {
				return rep, fmt.Errorf("query %q: %w", q.Query, err)
			}
			lat = append(lat, float64(time.Since(start).Microseconds())/1000)
			rank := firstRelevant(articles(hits, 10), q.Relevant)
			if rank > 0 {
				s.MRR += 1 / float64(rank)
			}
			s.Recall1 += hitAt(rank, 1)
			s.Recall5 += hitAt(rank, 5)
			s.Recall10 += hitAt(rank, 10)
		}
		n := float64(len(queries))
		s.Recall1, s.Recall5, s.Recall10, s.MRR = s.Recall1/n, s.Recall5/n, s.Recall10/n, s.MRR/n
		slices.Sort(lat)
		s.LatencyP50MS, s.LatencyP95MS = quantile(lat, 0.5), quantile(lat, 0.95)
		rep.Modes[mode] = s
	}
	return rep, nil
}

// articles returns the distinct article ids of hits, in order, at most n.
func articles(hits []Hit, n int) []string {
	var out []string
	for _, h := range hits {
		if !slices.Contains(out, h.DocumentID) {
			out = append(out, h.DocumentID)
		}
		if len(out) == n {
			break
		}
	}
	return out
}

// firstRelevant returns the 1-based rank of the first relevant article, 0
// when none is listed.
func firstRelevant(ranked, relevant []string) int {
	for i, id := range ranked {
		if slices.Contains(relevant, id) {
			return i + 1
		}
	}
	return 0
}

func hitAt(rank, k int) float64 {
	if rank > 0 && rank <= k {
		return 1
	}
	return 0
}

func quantile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
