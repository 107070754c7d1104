package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/postgres"
	"github.com/triage-oss/triage/internal/postgres/pgtest"
	"github.com/triage-oss/triage/migrations"
)

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestMigrateAndCheckCurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// A bare schema, not yet migrated.
	admin := pgtest.New(t)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "bare_" + hex.EncodeToString(b)
	_, err := admin.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize())
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = admin.Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
	})
	pool, err := postgres.Open(ctx, pgtest.URL(), postgres.PoolConfig{SearchPath: schema + ", public", MaxConns: 4})
	require.NoError(t, err)
	t.Cleanup(pool.Close)

	err = postgres.CheckCurrent(ctx, pool)
	require.ErrorIs(t, err, postgres.ErrBehind)
	require.ErrorContains(t, err, "run `triage migrate`")
	require.ErrorContains(t, err, "triage 001_items")

	all, err := postgres.Migrations()
	require.NoError(t, err)
	res, err := postgres.Migrate(ctx, pool, discard)
	require.NoError(t, err)
	require.Len(t, res.Triage, len(all))
	require.NotEmpty(t, res.River)
	require.NoError(t, postgres.CheckCurrent(ctx, pool))

	again, err := postgres.Migrate(ctx, pool, discard)
	require.NoError(t, err)
	require.Empty(t, again.Triage, "a current database gets nothing")
	require.Empty(t, again.River)

	// Losing the last migration makes the database behind again.
	_, err = pool.Exec(ctx, "DELETE FROM triage_migrations WHERE version = $1", all[len(all)-1].Version)
	require.NoError(t, err)
	require.ErrorIs(t, postgres.CheckCurrent(ctx, pool), postgres.ErrBehind)
}

func TestMigrationsAreNumberedAndPaired(t *testing.T) {
	t.Parallel()
	all, err := postgres.Migrations()
	require.NoError(t, err)
	for i, m := range all {
		require.Equal(t, i+1, m.Version, "versions are consecutive from 1")
		require.NotEmpty(t, m.Up)
		down, err := fs.ReadFile(migrations.FS, fmt.Sprintf("%03d_%s.down.sql", m.Version, m.Name))
		require.NoError(t, err, "every migration has its down file")
		require.NotEmpty(t, down)
	}
}

func TestParseQueries(t *testing.T) {
	t.Parallel()
	q := postgres.ParseQueries("-- file comment\n-- name: A\nSELECT 1;\n\n-- name: B\nSELECT\n  2;\n")
	require.Equal(t, "SELECT 1;", q.Get("A"))
	require.Equal(t, "SELECT\n  2;", q.Get("B"))
	require.PanicsWithValue(t, `postgres: no query named "C"`, func() { q.Get("C") })
	require.Panics(t, func() { postgres.ParseQueries("-- name: A\nSELECT 1;\n-- name: A\nSELECT 2;") })
	require.Panics(t, func() { postgres.ParseQueries("-- name: A\n\n") })
}

func TestIsUnavailable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, err := postgres.Open(ctx, "postgres://postgres@127.0.0.1:1/x?sslmode=disable&connect_timeout=1", postgres.PoolConfig{})
	require.Error(t, err)
	require.True(t, postgres.IsUnavailable(err), "%v", err)

	pool := pgtest.New(t)
	_, err = pool.Exec(ctx, "SELECT * FROM no_such_table")
	require.Error(t, err)
	require.False(t, postgres.IsUnavailable(err))
}
