package kb

import (
	"cmp"
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"
)

// Embedder turns texts into vectors (internal/embed).
type Embedder interface {
	Model() string
	Dim() int
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// EmbedBatch is how many chunks EmbedMissing embeds per call.
const EmbedBatch = 128

// The HNSW graph's links per node and build-time candidate list, above
// pgvector's defaults (16, 64): the offline embedder's sparse vectors and
// short questions need a denser graph to be found. At 10,000 passages and
// hnsw.ef_search 100, recall@10 against exact search rose from 0.53 (the
// defaults at ef_search 200) to 0.74, at 5 ms a search; at 100,000 and
// ef_search 64 it is 0.75 (the binary-quantized index it replaced: 0.06).
const (
	hnswM              = 32
	hnswEFConstruction = 256
)

// RegisterModel records e's model and makes sure of its HNSW index on the
// vectors of that model alone. It is idempotent; a model registered before
// gets its index created if it is missing (minutes for a large knowledge
// base, once).
//
// The index is over the vectors as half-precision floats (cosine distance):
// a hundred thousand 1,124-dimension vectors take about 260 MB with the
// graph, and the search re-ranks the index's candidates by exact cosine
// distance, so precision is not lost. Models with more than MaxHalfvecDim dimensions,
// which halfvec indexes do not take, are indexed by the binary
// quantization of their vectors (one bit per dimension, Hamming distance):
// that only works for large, centred embeddings such as hosted models'.
func (s *Store) RegisterModel(ctx context.Context, model string, dim int, state []byte) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var have int
		err := tx.QueryRow(ctx, queries.Get("ModelDim"), model).Scan(&have, new([]byte))
		switch {
		case err == nil && have != dim:
			return fmt.Errorf("embedding model %q is registered with %d dimensions, not %d: give the new model another name", model, have, dim)
		case err == nil:
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		default:
			if _, err := tx.Exec(ctx, queries.Get("RegisterModel"), model, dim, state); err != nil {
				return fmt.Errorf("register embedding model %q: %w", model, err)
			}
		}
		return ensureIndex(ctx, tx, model, dim)
	})
}

// ensureIndex creates the model's index in tx unless it exists.
func ensureIndex(ctx context.Context, tx pgx.Tx, model string, dim int) error {
	var exists bool
	if err := tx.QueryRow(ctx, queries.Get("IndexExists"), indexName(model)).Scan(&exists); err != nil || exists {
		return err
	}
	// Building over existing vectors is much faster with the graph in
	// memory; the setting ends with the transaction.
	if _, err := tx.Exec(ctx, "SET LOCAL maintenance_work_mem = '1GB'"); err != nil {
		return err
	}
	// The model name is a bound literal in the index predicate: quote it
	// as a SQL string.
	x := indexFor(dim)
	ddl := fmt.Sprintf("CREATE INDEX IF NOT EXISTS %s ON kb_embeddings USING hnsw ((%s) %s) WITH (m = %d, ef_construction = %d) WHERE model = %s",
		indexName(model), x.expr("embedding"), x.ops(), hnswM, hnswEFConstruction, quoteLiteral(model))
	if _, err := tx.Exec(ctx, ddl); err != nil {
		return fmt.Errorf("create index for embedding model %q: %w", model, err)
	}
	return nil
}

// DefaultBulkEmbed is the number of missing vectors from which
// EmbedMissing drops the model's index, embeds, and builds the index
// again: one build over all the vectors takes minutes where inserting them
// one by one into the graph takes more than an hour (100,000 passages).
const DefaultBulkEmbed = 5000

// EmbedMissing embeds every chunk that has no vector from e's model, in
// batches, and returns how many it embedded. It can be interrupted and
// resumed: each batch commits on its own. With Store.BulkEmbed or more to do it
// builds the model's index after the vectors (an interrupted run leaves
// the index to the next, and searches by this model scan meanwhile).
func (s *Store) EmbedMissing(ctx context.Context, e Embedder) (int, error) {
	if err := s.RegisterModel(ctx, e.Model(), e.Dim(), nil); err != nil {
		return 0, err
	}
	var missing int
	if err := s.pool.QueryRow(ctx, queries.Get("CountWithoutEmbedding"), e.Model()).Scan(&missing); err != nil {
		return 0, fmt.Errorf("count chunks to embed: %w", err)
	}
	if missing >= cmp.Or(s.BulkEmbed, DefaultBulkEmbed) {
		if _, err := s.pool.Exec(ctx, "DROP INDEX IF EXISTS "+indexName(e.Model())); err != nil {
			return 0, fmt.Errorf("drop the index of %s for a bulk embedding: %w", e.Model(), err)
		}
	}
	total := 0
	for {
		var ids []int64
		var texts []string
		rows, err := s.pool.Query(ctx, queries.Get("ChunksWithoutEmbedding"), e.Model(), EmbedBatch)
		if err != nil {
			return total, fmt.Errorf("find chunks to embed: %w", err)
		}
		for rows.Next() {
			var id int64
			var heading, text string
			if err := rows.Scan(&id, &heading, &text); err != nil {
				rows.Close()
				return total, err
			}
			ids, texts = append(ids, id), append(texts, heading+"\n\n"+text)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return total, err
		}
		if len(ids) == 0 {
			break
		}
		if err := s.putEmbeddings(ctx, e, ids, texts); err != nil {
			return total, err
		}
		total += len(ids)
	}
	return total, pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return ensureIndex(ctx, tx, e.Model(), e.Dim()) })
}

func (s *Store) putEmbeddings(ctx context.Context, e Embedder, ids []int64, texts []string) error {
	vecs, err := e.Embed(ctx, texts)
	if err != nil {
		return fmt.Errorf("embed %d chunks with %s: %w", len(texts), e.Model(), err)
	}
	if len(vecs) != len(ids) {
		return fmt.Errorf("embed with %s: %d vectors for %d texts", e.Model(), len(vecs), len(ids))
	}
	enc := make([]string, len(vecs))
	for i, v := range vecs {
		if len(v) != e.Dim() {
			return fmt.Errorf("embed with %s: vector of %d dimensions, want %d", e.Model(), len(v), e.Dim())
		}
		enc[i] = pgvector.NewVector(v).String()
	}
	if _, err := s.pool.Exec(ctx, queries.Get("InsertEmbeddings"), e.Model(), ids, enc); err != nil {
		return fmt.Errorf("store embeddings: %w", err)
	}
	return nil
}

func quoteLiteral(s string) string {
	out := []byte{'\''}
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			out = append(out, '\'')
		}
		out = append(out, s[i])
	}
	return string(append(out, '\''))
}
