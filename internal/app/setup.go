package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/jackc/pgx/v5"

	"github.com/triage-oss/triage/internal/postgres"
	"github.com/triage-oss/triage/internal/setup"
)

// Setup makes the database at url ready, installing what is missing and
// reporting each step to out: pgvector on the server (through the server's
// maintenance database, as url's database may not exist yet), the database
// itself, then every migration.
func Setup(ctx context.Context, url string, out io.Writer) error {
	cc, err := pgx.ParseConfig(url)
	if err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	maint := cc.Copy()
	maint.Database = "postgres"
	conn, err := pgx.ConnectConfig(ctx, maint)
	if err != nil {
		return fmt.Errorf("connect to PostgreSQL at %s: %w (is the server running?)", postgres.Describe(maint), err)
	}
	err = setup.EnsurePgvector(ctx, conn, out)
	conn.Close(ctx)
	if err != nil {
		return err
	}
	created, err := postgres.EnsureDatabase(ctx, url)
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(out, "setup: created database %s\n", postgres.Describe(cc))
	}
	return Migrate(ctx, url, out)
}

// Migrate applies every pending migration to the database at url and says
// what it applied.
func Migrate(ctx context.Context, url string, out io.Writer) error {
	pool, err := postgres.Open(ctx, url, postgres.PoolConfig{MaxConns: 2})
	if err != nil {
		return err
	}
	defer pool.Close()
	// The summary below says what was applied; only warnings are logged.
	log := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelWarn}))
	res, err := postgres.Migrate(ctx, pool, log)
	if err != nil {
		return err
	}
	cc := pool.Config().ConnConfig
	fmt.Fprintf(out, "migrate: database %s is current (applied now: river %v, triage %v)\n",
		postgres.Describe(cc), orNone(res.River), orNone(res.Triage))
	return nil
}

func orNone(vs []int) any {
	if len(vs) == 0 {
		return "none"
	}
	return vs
}
