// Package pgtest gives each test its own migrated PostgreSQL schema, so
// tests run in parallel against the real server and leave nothing behind.
//
// The server is named by TEST_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/triage_test?sslmode=disable); the
// database is created on first use. A test that cannot reach it fails: the
// suite never silently skips its database tests.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/triage-oss/triage/internal/postgres"
)

// DefaultURL is the test database used when TEST_DATABASE_URL is unset.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/triage_test?sslmode=disable"

// URL returns the test database URL.
func URL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultURL
}

var ensureOnce = sync.OnceValue(func() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := postgres.EnsureDatabase(ctx, URL())
	return err
})

// Schema is an isolated, migrated schema for one test.
type Schema struct {
	Name string
	// SearchPath is the search_path that confines a connection to the
	// schema (with public for the pgvector types).
	SearchPath string
	// URL connects with that search_path, for processes started by a test.
	URL string
}

// NewSchema creates a fresh schema, applies every migration to it and drops
// it when the test ends.
func NewSchema(tb testing.TB) Schema {
	tb.Helper()
	if err := ensureOnce(); err != nil {
		tb.Fatalf("pgtest: test database %s unavailable: %v (set TEST_DATABASE_URL)", URL(), err)
	}
	ctx := context.Background()
	name := "t_" + randomHex(8)
	s := Schema{Name: name, SearchPath: name + ", public"}
	admin := connect(tb, ctx, "")
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{name}.Sanitize()); err != nil {
		tb.Fatalf("pgtest: create schema: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{name}.Sanitize()+" CASCADE"); err != nil {
			tb.Errorf("pgtest: drop schema %s: %v", name, err)
		}
		admin.Close()
	})
	pool := connect(tb, ctx, s.SearchPath)
	defer pool.Close()
	if _, err := postgres.Migrate(ctx, pool, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		tb.Fatalf("pgtest: migrate schema %s: %v", name, err)
	}
	s.URL = withSearchPath(URL(), s.SearchPath)
	return s
}

// New returns a pool confined to a fresh migrated schema, closed when the
// test ends.
func New(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	s := NewSchema(tb)
	pool := connect(tb, context.Background(), s.SearchPath)
	tb.Cleanup(pool.Close)
	return pool
}

// Pool opens another pool on schema s, closed when the test ends.
func (s Schema) Pool(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	pool := connect(tb, context.Background(), s.SearchPath)
	tb.Cleanup(pool.Close)
	return pool
}

func connect(tb testing.TB, ctx context.Context, searchPath string) *pgxpool.Pool {
	tb.Helper()
	pool, err := postgres.Open(ctx, URL(), postgres.PoolConfig{SearchPath: searchPath, MaxConns: 8})
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	return pool
}

func withSearchPath(raw, searchPath string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	q.Set("search_path", searchPath)
	// pgx reads "+" literally, not as a space: encode spaces as %20.
	u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("pgtest: random: %v", err))
	}
	return hex.EncodeToString(b)
}

// Pool opens a pool on an arbitrary database URL, closed when the test ends.
func Pool(tb testing.TB, url string) *pgxpool.Pool {
	tb.Helper()
	pool, err := postgres.Open(context.Background(), url, postgres.PoolConfig{MaxConns: 4})
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	tb.Cleanup(pool.Close)
	return pool
}
