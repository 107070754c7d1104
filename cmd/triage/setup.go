package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"

		"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/postgres"
	"github.com/triage-oss/triage/internal/setup"
)

func init() {
	register("setup", "install what is missing (pgvector), create the database, apply migrations", runSetup)
	register("migrate", "apply River's and Triage's migrations to DATABASE_URL", runMigrate)
}

func runSetup(ctx context.Context, e *env, args []string) error {
	cfg, err := config.Parse("triage setup", args, e.getenv, e.stderr, config.Need{})
	if err != nil {
		return err
	}
	if err := ensurePgvector(ctx, cfg.DatabaseURL, e); err != nil {
		return err
	}
	created, err := postgres.EnsureDatabase(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintln(e.stdout, "setup: created the database")
	}
	return migrate(ctx, cfg, e)
}

// ensurePgvector connects to the server's maintenance database (the
// application database may not exist yet) and installs pgvector if needed.
func ensurePgvector(ctx context.Context, url string, e *env) error {
	cc, err := pgx.ParseConfig(url)
	if err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	cc.Database = "postgres"
	conn, err := pgx.ConnectConfig(ctx, cc)
	if err != nil {
		return fmt.Errorf("connect to PostgreSQL at %s: %w (is the server running?)", postgres.Describe(cc), err)
	}
	defer conn.Close(ctx)
	return setup.EnsurePgvector(ctx, conn, e.stdout)
}

func runMigrate(ctx context.Context, e *env, args []string) error {
	cfg, err := config.Parse("triage migrate", args, e.getenv, e.stderr, config.Need{})
	if err != nil {
		return err
	}
	return migrate(ctx, cfg, e)
}

func migrate(ctx context.Context, cfg config.Config, e *env) error {
	pool, err := postgres.Open(ctx, cfg.DatabaseURL, postgres.PoolConfig{MaxConns: 2})
	if err != nil {
		return err
	}
	defer pool.Close()
	// The summary below says what was applied; only warnings are logged.
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	res, err := postgres.Migrate(ctx, pool, log)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "migrate: database %s is current (applied now: river %v, triage %v)\n",
		describe(cfg.DatabaseURL), orNone(res.River), orNone(res.Triage))
	return nil
}

func describe(url string) string {
	cc, err := pgx.ParseConfig(url)
	if err != nil {
		return "?"
	}
	return postgres.Describe(cc)
}

func orNone(vs []int) any {
	if len(vs) == 0 {
		return "none"
	}
	return vs
}
