package main

import (
	"context"

	"github.com/triage-oss/triage/internal/app"
	"github.com/triage-oss/triage/internal/config"
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
	return app.Setup(ctx, cfg.DatabaseURL, e.stdout)
}

func runMigrate(ctx context.Context, e *env, args []string) error {
	cfg, err := config.Parse("triage migrate", args, e.getenv, e.stderr, config.Need{})
	if err != nil {
		return err
	}
	return app.Migrate(ctx, cfg.DatabaseURL, e.stdout)
}
