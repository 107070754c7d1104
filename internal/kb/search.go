package kb

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pgvector/pgvector-go"
)

// Mode is how a search finds passages.
type Mode string

// Modes.
const (
	ModeHybrid   Mode = "hybrid"   // vector and full text, fused by reciprocal rank
	ModeVector   Mode = "vector"   // embeddings, cosine similarity
	ModeFullText Mode = "fulltext" // PostgreSQL full text, OR-query ranked by ts_rank_cd
)

// Modes lists every mode.
var Modes = []Mode{ModeHybrid, ModeVector, ModeFullText}

// Search defaults.
const (
	DefaultK          = 5
	DefaultCandidates = 50 // per mode, before fusion
	// RRFK is reciprocal rank fusion's constant: score = Σ 1/(RRFK + rank).
	RRFK = 60
	// The vector index proposes RerankFactor times the candidates wanted,
	// at least MinRerank, for exact cosine re-ranking (hnsw.ef_search is
	// the same number). At 100,000 passages, 64 against 100 took the
	// hybrid search's p95 from 20.8 to 16.0 ms for recall@10 0.75 instead
	// of 0.81 (`triage bench --only retrieval`): the index (halfvec, 260
	// MB) is larger than PostgreSQL's default shared buffers, and every
	// page of the graph read counts.
	RerankFactor = 1
	MinRerank    = 64
)

// Hit is one passage found.
type Hit struct {
	ChunkID    int64   `json:"chunk_id"`
	DocumentID string  `json:"document_id"`
	Title      string  `json:"title"`
	URL        string  `json:"url,omitempty"`
	Heading    string  `json:"heading"`
	Text       string  `json:"text"`
	Score      float64 `json:"score"`
	// Modes lists the modes that found the passage ("vector", "fulltext").
	Modes []Mode `json:"modes"`
}

// Query is one search.
type Query struct {
	Text string
	K    int  // results; DefaultK when 0
	Mode Mode // ModeHybrid when empty
	// Filter keeps passages whose article metadata contains it (JSON
	// containment, e.g. {"product":"lumen"}).
	Filter map[string]any
	// Candidates per mode before fusion; DefaultCandidates when 0.
	Candidates int
}

// Retriever searches the knowledge base with one embedding model.
type Retriever struct {
	pool     *pgxpool.Pool
	embedder Embedder
}

// NewRetriever returns a retriever whose vector side uses e's model.
func NewRetriever(pool *pgxpool.Pool, e Embedder) *Retriever {
	return &Retriever{pool: pool, embedder: e}
}

// ErrEmptyQuery is returned for a query with no text.
var ErrEmptyQuery = errors.New("empty query")

// Search finds the K best passages for q.
func (r *Retriever) Search(ctx context.Context, q Query) ([]Hit, error) {
	if q.Text == "" {
		return nil, ErrEmptyQuery
	}
	q.K, q.Mode, q.Candidates = cmp.Or(q.K, DefaultK), cmp.Or(q.Mode, ModeHybrid), cmp.Or(q.Candidates, DefaultCandidates)
	if !slices.Contains(Modes, q.Mode) {
		return nil, fmt.Errorf("search mode %q: want one of %v", q.Mode, Modes)
	}
	var filter []byte
	if q.Filter != nil {
		filter, _ = json.Marshal(q.Filter)
	}
	// The two searches run at once, on two connections.
	var vec, text []int64
	var vecErr, textErr error
	var wg sync.WaitGroup
	if q.Mode != ModeFullText {
		wg.Go(func() { vec, vecErr = r.vector(ctx, q, filter) })
	}
	if q.Mode != ModeVector {
		wg.Go(func() { text, textErr = r.fullText(ctx, q, filter) })
	}
	wg.Wait()
	if err := errors.Join(vecErr, textErr); err != nil {
		return nil, err
	}
	var lists [][]int64
	var modes []Mode
	if q.Mode != ModeFullText {
		lists, modes = append(lists, vec), append(modes, ModeVector)
	}
	if q.Mode != ModeVector {
		lists, modes = append(lists, text), append(modes, ModeFullText)
	}
	return r.details(ctx, fuse(lists, modes, q.K))
}

// vector returns the chunk ids nearest to the query's embedding.
func (r *Retriever) vector(ctx context.Context, q Query, filter []byte) ([]int64, error) {
	vecs, err := r.embedder.Embed(ctx, []string{q.Text})
	if err != nil {
		return nil, fmt.Errorf("embed query: %w", err)
	}
	// The index finds candidates by cosine distance between half-precision
	// vectors (or Hamming distance between binary quantizations, for very
	// large models); they are re-ranked by exact cosine distance. The
	// filter is spelled out only when there is one, so that a generic plan
	// never trades the index for a scan.
	dim := r.embedder.Dim()
	x := indexFor(dim)
	where, args := "", []any{pgvector.NewVector(vecs[0]), r.embedder.Model(), q.Candidates}
	if filter != nil {
		where = ` AND e.chunk_id IN (SELECT c.id FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id
			WHERE d.metadata @> $5::jsonb)`
		args = append(args, filter)
	}
	sql := fmt.Sprintf(`SELECT chunk_id FROM (
			SELECT e.chunk_id, e.embedding FROM kb_embeddings e
			WHERE e.model = $2%[5]s
			ORDER BY %[1]s %[6]s %[2]s LIMIT $4) c
		ORDER BY c.%[3]s <=> $1::vector(%[4]d) LIMIT $3`,
		x.expr("e.embedding"), x.expr("$1"), dimExpr(dim), dim, where, x.distance())
	rerank := max(RerankFactor*q.Candidates, MinRerank)
	var ids []int64
	err = pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		// Search enough of the graph for the candidates, and keep searching
		// when a filter drops some (pgvector 0.8 iterative scans).
		if _, err := tx.Exec(ctx, fmt.Sprintf("SET LOCAL hnsw.ef_search = %d", rerank)); err != nil {
			return err
		}
		if filter != nil {
			if _, err := tx.Exec(ctx, "SET LOCAL hnsw.iterative_scan = relaxed_order"); err != nil {
				return err
			}
		}
		rows, err := tx.Query(ctx, sql, slices.Insert(args, 3, any(rerank))...)
		if err != nil {
			return err
		}
		ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("vector search: %w", err)
	}
	return ids, nil
}

func (r *Retriever) fullText(ctx context.Context, q Query, filter []byte) ([]int64, error) {
	rows, err := r.pool.Query(ctx, queries.Get("FullTextSearch"), q.Text, q.Candidates, filter)
	if err != nil {
		return nil, fmt.Errorf("full-text search: %w", err)
	}
	ids, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (int64, error) {
		var id int64
		var rank float32
		err := row.Scan(&id, &rank)
		return id, err
	})
	if err != nil {
		return nil, fmt.Errorf("full-text search: %w", err)
	}
	return ids, nil
}

// fused is a chunk's fused score and the modes that found it.
type fused struct {
	id    int64
	score float64
	modes []Mode
}

// fuse merges ranked lists by reciprocal rank fusion and keeps the top k.
func fuse(lists [][]int64, modes []Mode, k int) []fused {
	byID := map[int64]*fused{}
	var order []*fused
	for li, ids := range lists {
		for rank, id := range ids {
			f := byID[id]
			if f == nil {
				f = &fused{id: id}
				byID[id] = f
				order = append(order, f)
			}
			f.score += 1 / float64(RRFK+rank+1)
			f.modes = append(f.modes, modes[li])
		}
	}
	slices.SortStableFunc(order, func(a, b *fused) int { return cmp.Compare(b.score, a.score) })
	out := make([]fused, 0, k)
	for _, f := range order[:min(k, len(order))] {
		out = append(out, *f)
	}
	return out
}

func (r *Retriever) details(ctx context.Context, top []fused) ([]Hit, error) {
	ids := make([]int64, len(top))
	for i, f := range top {
		ids[i] = f.id
	}
	rows, err := r.pool.Query(ctx, queries.Get("ChunkDetails"), ids)
	if err != nil {
		return nil, fmt.Errorf("read passages: %w", err)
	}
	byID := map[int64]Hit{}
	var h Hit
	_, err = pgx.ForEachRow(rows, []any{&h.ChunkID, &h.DocumentID, &h.Title, &h.URL, &h.Heading, &h.Text}, func() error {
		byID[h.ChunkID] = h
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read passages: %w", err)
	}
	out := make([]Hit, 0, len(top))
	for _, f := range top {
		if hit, ok := byID[f.id]; ok { // a chunk deleted meanwhile is skipped
			hit.Score, hit.Modes = f.score, f.modes
			out = append(out, hit)
		}
	}
	return out, nil
}
