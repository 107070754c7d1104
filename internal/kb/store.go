package kb

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/triage-oss/triage/internal/postgres"
)

//go:embed queries.sql
var queriesSQL string

var queries = postgres.ParseQueries(queriesSQL)

// Store keeps the knowledge base in PostgreSQL.
type Store struct {
	// BulkEmbed is the number of missing vectors from which EmbedMissing
	// builds the model's index after embedding rather than inserting into
	// it (0: DefaultBulkEmbed).
	BulkEmbed int

	pool *pgxpool.Pool
	now  func() time.Time
}

// NewStore returns a store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool, now: time.Now} }

// ImportStats says what an import changed.
type ImportStats struct {
	Added, Updated, Unchanged, Removed int
	Chunks                             int // chunks written (of added and updated articles)
}

// Import makes the knowledge base hold exactly articles for source, in one
// transaction: new articles are added, changed ones (by content hash)
// replaced with their new chunks, unchanged ones left alone, and articles
// of source that are no longer listed removed. Vectors of replaced chunks
// go with them; EmbedMissing computes the new ones.
func (s *Store) Import(ctx context.Context, source string, articles []Article) (ImportStats, error) {
	var st ImportStats
	ids := make([]string, len(articles))
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for i, a := range articles {
			ids[i] = a.ID
			if err := s.importOne(ctx, tx, source, a, &st); err != nil {
				return fmt.Errorf("article %q: %w", a.ID, err)
			}
		}
		tag, err := tx.Exec(ctx, queries.Get("DeleteMissing"), source, ids)
		if err != nil {
			return err
		}
		st.Removed = int(tag.RowsAffected())
		if st.Added+st.Updated+st.Removed == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, queries.Get("ClearTerms")); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, queries.Get("RefreshTerms"))
		return err
	})
	if err != nil {
		return ImportStats{}, fmt.Errorf("import %s: %w", source, err)
	}
	if st.Chunks > 0 {
		// New passages wait in the full-text index's pending list (GIN
		// fast update) until a vacuum, and every search reads that list
		// through: after a 100,000-passage import, 13 ms a search instead
		// of 1. Merge it now.
		if _, err := s.pool.Exec(ctx, queries.Get("CleanTextIndex")); err != nil {
			return st, fmt.Errorf("import %s: merge the full-text index: %w", source, err)
		}
	}
	return st, nil
}

func (s *Store) importOne(ctx context.Context, tx pgx.Tx, source string, a Article, st *ImportStats) error {
	hash := a.Hash()
	var old []byte
	err := tx.QueryRow(ctx, queries.Get("DocumentHash"), a.ID).Scan(&old)
	switch {
	case err == nil && bytes.Equal(old, hash):
		st.Unchanged++
		return nil
	case err == nil:
		st.Updated++
	case errors.Is(err, pgx.ErrNoRows):
		st.Added++
	default:
		return err
	}
	meta := a.Metadata
	if meta == nil {
		meta = map[string]any{}
	}
	if _, err := tx.Exec(ctx, queries.Get("UpsertDocument"), a.ID, source, a.Title, a.URL, meta, hash, s.now()); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, queries.Get("DeleteChunks"), a.ID); err != nil {
		return err
	}
	chunks := a.Chunks()
	ords, heads, texts := make([]int32, len(chunks)), make([]string, len(chunks)), make([]string, len(chunks))
	for i, c := range chunks {
		ords[i], heads[i], texts[i] = int32(c.Ord), c.Heading, c.Text
	}
	if _, err := tx.Exec(ctx, queries.Get("InsertChunks"), a.ID, ords, heads, texts); err != nil {
		return err
	}
	st.Chunks += len(chunks)
	return nil
}

// Stats counts documents, chunks, and chunks embedded by model.
func (s *Store) Stats(ctx context.Context, model string) (docs, chunks, embedded int, err error) {
	err = s.pool.QueryRow(ctx, queries.Get("Stats"), model).Scan(&docs, &chunks, &embedded)
	return docs, chunks, embedded, err
}

// MaxHalfvecDim is the largest dimension an HNSW index over halfvec takes
// (pgvector 0.7 and later).
const MaxHalfvecDim = 4000

// indexName is the name of a model's HNSW index. The "h" marks the halfvec
// index that replaced the binary-quantized one of migration 003's time
// (migration 011 drops those).
func indexName(model string) string {
	h := sha256.Sum256([]byte(model))
	return "kb_embeddings_hnsw_h" + hex.EncodeToString(h[:6])
}

// dimExpr is the typed vector expression queries rank by.
func dimExpr(dim int) string { return "embedding::vector(" + strconv.Itoa(dim) + ")" }

// vectorIndex is how a model's HNSW index stores and compares vectors.
type vectorIndex struct {
	dim int
	// half: halfvec and cosine distance; otherwise, above MaxHalfvecDim,
	// the binary quantization and Hamming distance.
	half bool
}

func indexFor(dim int) vectorIndex { return vectorIndex{dim: dim, half: dim <= MaxHalfvecDim} }

// expr is the expression the index stores for the vector expression v.
func (x vectorIndex) expr(v string) string {
	d := strconv.Itoa(x.dim)
	if x.half {
		return v + "::halfvec(" + d + ")"
	}
	return "binary_quantize(" + v + "::vector(" + d + "))::bit(" + d + ")"
}

// ops is the index's operator class, distance the operator it serves.
func (x vectorIndex) ops() string {
	if x.half {
		return "halfvec_cosine_ops"
	}
	return "bit_hamming_ops"
}

func (x vectorIndex) distance() string {
	if x.half {
		return "<=>"
	}
	return "<~>"
}
