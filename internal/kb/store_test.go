package kb_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/embed"
	"github.com/triage-oss/triage/internal/kb"
	"github.com/triage-oss/triage/internal/postgres/pgtest"
)

type testBundle struct {
	ctx   context.Context
	pool  *pgxpool.Pool
	store *kb.Store
	local *embed.Local
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	pool := pgtest.New(t)
	local, err := embed.NewLocal(embed.LocalConfig{})
	require.NoError(t, err)
	return &testBundle{ctx: context.Background(), pool: pool, store: kb.NewStore(pool), local: local}
}

func (b *testBundle) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, sql, args...).Scan(&n))
	return n
}

// importTestdata imports testdata/kb as the source "help".
func (b *testBundle) importTestdata(t *testing.T) {
	t.Helper()
	arts, err := kb.ReadPath("testdata/kb")
	require.NoError(t, err)
	_, err = b.store.Import(b.ctx, "help", arts)
	require.NoError(t, err)
}

// copyDir copies testdata/kb to a fresh directory the test may change.
func copyDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS("testdata/kb")))
	return dir
}

func TestImportLifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	dir := copyDir(t)
	read := func() []kb.Article {
		arts, err := kb.ReadPath(dir)
		require.NoError(t, err)
		return arts
	}

	st, err := b.store.Import(b.ctx, "help", read())
	require.NoError(t, err)
	require.Equal(t, kb.ImportStats{Added: 3, Chunks: st.Chunks}, st)
	n, err := b.store.EmbedMissing(b.ctx, b.local)
	require.NoError(t, err)
	require.Equal(t, st.Chunks, n)
	chunkIDs := b.count(t, "SELECT sum(id) FROM kb_chunks")

	// Re-importing the same files changes nothing, vectors included.
	st, err = b.store.Import(b.ctx, "help", read())
	require.NoError(t, err)
	require.Equal(t, kb.ImportStats{Unchanged: 3}, st)
	require.Equal(t, chunkIDs, b.count(t, "SELECT sum(id) FROM kb_chunks"))
	n, err = b.store.EmbedMissing(b.ctx, b.local)
	require.NoError(t, err)
	require.Zero(t, n)

	// A changed file is replaced, a deleted one removed; another source's
	// articles are untouched.
	_, err = b.store.Import(b.ctx, "other", []kb.Article{kb.ParseMarkdown("press", "# Press\n\nEmail press@example.com.")})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("Exporting your library\n\nExports now include XMP sidecars."), 0o600))
	require.NoError(t, os.Remove(filepath.Join(dir, "billing.html")))
	st, err = b.store.Import(b.ctx, "help", read())
	require.NoError(t, err)
	require.Equal(t, 1, st.Updated)
	require.Equal(t, 1, st.Unchanged)
	require.Equal(t, 1, st.Removed)
	require.Equal(t, 3, b.count(t, "SELECT count(*) FROM kb_documents"))
	require.Equal(t, 0, b.count(t, "SELECT count(*) FROM kb_chunks WHERE text LIKE '%Duplicate charges%'"))
	require.Equal(t, 1, b.count(t, "SELECT count(*) FROM kb_chunks WHERE text LIKE '%XMP sidecars%'"))
	missing := b.count(t, "SELECT count(*) FROM kb_chunks c WHERE NOT EXISTS (SELECT 1 FROM kb_embeddings e WHERE e.chunk_id = c.id)")
	n, err = b.store.EmbedMissing(b.ctx, b.local)
	require.NoError(t, err)
	require.Equal(t, missing, n, "only new chunks are embedded again")
}

func TestSearchModesAndFilter(t *testing.T) {
	t.Parallel()
	b := setup(t)
	arts, err := kb.ReadPath("testdata/kb")
	require.NoError(t, err)
	arts[0].Metadata = map[string]any{"team": "billing"} // billing.html, sorted first
	_, err = b.store.Import(b.ctx, "help", arts)
	require.NoError(t, err)
	_, err = b.store.EmbedMissing(b.ctx, b.local)
	require.NoError(t, err)
	r := kb.NewRetriever(b.pool, b.local)

	for _, mode := range kb.Modes {
		hits, err := r.Search(b.ctx, kb.Query{Text: "sync stuck preparing items", Mode: mode, K: 3})
		require.NoError(t, err)
		require.NotEmpty(t, hits, mode)
		require.Equal(t, "sync", hits[0].DocumentID, mode)
		require.Contains(t, hits[0].Modes, map[kb.Mode]kb.Mode{kb.ModeHybrid: kb.ModeVector, kb.ModeVector: kb.ModeVector, kb.ModeFullText: kb.ModeFullText}[mode])
		require.Equal(t, "https://help.example.com/sync", hits[0].URL)
	}
	hits, err := r.Search(b.ctx, kb.Query{Text: "sync stuck preparing items", Filter: map[string]any{"team": "billing"}})
	require.NoError(t, err)
	require.NotEmpty(t, hits)
	for _, h := range hits {
		require.Equal(t, "billing", h.DocumentID, "the filter keeps only matching articles")
	}
	_, err = r.Search(b.ctx, kb.Query{Text: ""})
	require.ErrorIs(t, err, kb.ErrEmptyQuery)
	_, err = r.Search(b.ctx, kb.Query{Text: "x", Mode: "semantic"})
	require.ErrorContains(t, err, "search mode")
}

// Two embedding models live side by side, each with its own index; a model
// name cannot change dimension.
func TestModels(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.importTestdata(t)
	wv, err := embed.LoadDefaultWordVectors()
	if errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("word vectors not installed: run `make setup` (internal/embed/install-glove.sh)")
	}
	require.NoError(t, err)
	glove, err := embed.NewLocal(embed.LocalConfig{WordVectors: wv})
	require.NoError(t, err)
	for _, e := range []kb.Embedder{b.local, glove} {
		_, err := b.store.EmbedMissing(b.ctx, e)
		require.NoError(t, err)
		hits, err := kb.NewRetriever(b.pool, e).Search(b.ctx, kb.Query{Text: "refund a duplicate charge", Mode: kb.ModeVector})
		require.NoError(t, err)
		require.Equal(t, "billing", hits[0].DocumentID, e.Model())
	}
	require.Equal(t, 2, b.count(t, "SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'kb_embeddings_hnsw_h%' AND schemaname = current_schema()"))
	require.Equal(t, 2, b.count(t, "SELECT count(DISTINCT model) FROM kb_embeddings"))
	require.ErrorContains(t, b.store.RegisterModel(b.ctx, b.local.Model(), 7, nil), "registered with 1024 dimensions")
}

func discardLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// A bulk embedding drops the model's index and builds it after the vectors;
// the index is back and serves the search.
func TestBulkEmbedRebuildsIndex(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.importTestdata(t)
	require.NoError(t, b.store.RegisterModel(b.ctx, b.local.Model(), b.local.Dim(), nil))
	const indexes = "SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'kb_embeddings_hnsw_h%' AND schemaname = current_schema()"
	require.Equal(t, 1, b.count(t, indexes), "registering creates the index")
	const oid = "SELECT c.oid::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname LIKE 'kb_embeddings_hnsw_h%'"
	before := b.count(t, oid)
	b.store.BulkEmbed = 2
	n, err := b.store.EmbedMissing(b.ctx, b.local)
	require.NoError(t, err)
	require.Equal(t, b.count(t, "SELECT count(*) FROM kb_chunks"), n)
	require.Equal(t, 1, b.count(t, indexes), "the index is built again after the bulk")
	require.NotEqual(t, before, b.count(t, oid), "a new index, built after the vectors")
	hits, err := kb.NewRetriever(b.pool, b.local).Search(b.ctx, kb.Query{Text: "refund a duplicate charge", Mode: kb.ModeVector})
	require.NoError(t, err)
	require.Equal(t, "billing", hits[0].DocumentID)
}
