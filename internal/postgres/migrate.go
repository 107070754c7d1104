package postgres

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/triage-oss/triage/migrations"
)

// ErrBehind is returned by [CheckCurrent] when migrations are missing.
var ErrBehind = errors.New("database schema is behind this version of triage")

// ErrNoPgvector is returned by [Migrate] when the server lacks the pgvector
// extension.
var ErrNoPgvector = errors.New("the pgvector extension is not installed on the PostgreSQL server (run `triage setup`, see DEVELOPERS.md)")

// Migration is one of Triage's own schema migrations.
type Migration struct {
	Version int
	Name    string
	Up      string
}

// Migrations returns Triage's migrations in version order.
func Migrations() ([]Migration, error) {
	names, err := fs.Glob(migrations.FS, "*.up.sql")
	if err != nil {
		return nil, err
	}
	out := make([]Migration, 0, len(names))
	for _, n := range names {
		num, name, ok := strings.Cut(strings.TrimSuffix(n, ".up.sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration file %q: want NNN_name.up.sql", n)
		}
		sql, err := fs.ReadFile(migrations.FS, n)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: name, Up: string(sql)})
	}
	slices.SortFunc(out, func(a, b Migration) int { return a.Version - b.Version })
	return out, nil
}

// MigrateResult tells what [Migrate] applied.
type MigrateResult struct {
	River  []int // River migration versions applied
	Triage []int // Triage migration versions applied
}

// Migrate brings the database in the pool's search_path up to date: the
// pgvector extension, River's migrations (each in its own transaction, as
// some cannot share one), then Triage's in one transaction. Concurrent calls
// on the same schema serialize on an advisory lock; a call on a current
// database changes nothing.
func Migrate(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) (MigrateResult, error) {
	var res MigrateResult
	if err := ensureVector(ctx, pool); err != nil {
		return res, err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return res, fmt.Errorf("migrate: %w", err)
	}
	defer conn.Release()
	const lockKey = "hashtext('triage_migrate:' || current_schema())"
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock("+lockKey+")"); err != nil {
		return res, fmt.Errorf("lock migrations: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock("+lockKey+")") //nolint:errcheck // released with the session anyway

	migrator, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: log})
	if err != nil {
		return res, fmt.Errorf("river migrator: %w", err)
	}
	rr, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return res, fmt.Errorf("river migrations: %w", err)
	}
	for _, v := range rr.Versions {
		res.River = append(res.River, v.Version)
	}
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		res.Triage, err = migrateTriage(ctx, tx, log)
		return err
	})
	return res, err
}

// ensureVector creates the pgvector extension in the public schema, once per
// database, serialized across schemas (CREATE EXTENSION IF NOT EXISTS races).
func ensureVector(ctx context.Context, pool *pgxpool.Pool) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext('triage_create_extension'))"); err != nil {
			return fmt.Errorf("lock extension creation: %w", err)
		}
		_, err := tx.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public")
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "0A000" { // feature_not_supported: not installed
			return ErrNoPgvector
		}
		if err != nil {
			return fmt.Errorf("create extension vector: %w", err)
		}
		// A database created with an older pgvector moves to the one
		// installed (setup installs 0.8 or later where it found older).
		var outdated bool
		if err := tx.QueryRow(ctx, `SELECT extversion <> (SELECT default_version FROM pg_available_extensions WHERE name = 'vector')
			FROM pg_extension WHERE extname = 'vector'`).Scan(&outdated); err != nil {
			return fmt.Errorf("check extension vector's version: %w", err)
		}
		if outdated {
			if _, err := tx.Exec(ctx, "ALTER EXTENSION vector UPDATE"); err != nil {
				return fmt.Errorf("update extension vector: %w", err)
			}
		}
		return nil
	})
}

func migrateTriage(ctx context.Context, tx pgx.Tx, log *slog.Logger) ([]int, error) {
	const ddl = `CREATE TABLE IF NOT EXISTS triage_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`
	if _, err := tx.Exec(ctx, ddl); err != nil {
		return nil, fmt.Errorf("create triage_migrations: %w", err)
	}
	applied, err := appliedVersions(ctx, tx)
	if err != nil {
		return nil, err
	}
	all, err := Migrations()
	if err != nil {
		return nil, err
	}
	var done []int
	for _, m := range all {
		if slices.Contains(applied, m.Version) {
			continue
		}
		if _, err := tx.Exec(ctx, m.Up); err != nil {
			return nil, fmt.Errorf("migration %03d_%s: %w", m.Version, m.Name, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO triage_migrations (version, name) VALUES ($1, $2)", m.Version, m.Name); err != nil {
			return nil, fmt.Errorf("record migration %03d: %w", m.Version, err)
		}
		log.Info("applied migration", "version", m.Version, "name", m.Name)
		done = append(done, m.Version)
	}
	return done, nil
}

func appliedVersions(ctx context.Context, q DB) ([]int, error) {
	rows, err := q.Query(ctx, "SELECT version FROM triage_migrations ORDER BY version")
	if err != nil {
		return nil, fmt.Errorf("read triage_migrations: %w", err)
	}
	vs, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return nil, fmt.Errorf("read triage_migrations: %w", err)
	}
	return vs, nil
}

// CheckCurrent returns nil when every River and Triage migration is applied,
// and an error wrapping [ErrBehind] naming what is missing otherwise. The
// binaries call it at start and refuse to run on a database that is behind.
func CheckCurrent(ctx context.Context, pool *pgxpool.Pool) error {
	migrator, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return fmt.Errorf("river migrator: %w", err)
	}
	vr, err := migrator.Validate(ctx, nil)
	if err != nil {
		return fmt.Errorf("check river migrations: %w", err)
	}
	var missing []string
	if !vr.OK {
		missing = append(missing, "river: "+strings.Join(vr.Messages, "; "))
	}
	all, err := Migrations()
	if err != nil {
		return err
	}
	applied, err := appliedVersions(ctx, pool)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P01" { // undefined_table: never migrated
		applied, err = nil, nil
	}
	if err != nil {
		return err
	}
	for _, m := range all {
		if !slices.Contains(applied, m.Version) {
			missing = append(missing, fmt.Sprintf("triage %03d_%s", m.Version, m.Name))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: missing %s; run `triage migrate`", ErrBehind, strings.Join(missing, ", "))
	}
	return nil
}
