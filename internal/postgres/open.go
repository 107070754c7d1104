package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	pgxvec "github.com/pgvector/pgvector-go/pgx"
)

// DefaultURL is the database used when DATABASE_URL is not set.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/triage?sslmode=disable"

// PoolConfig tunes a pool. The zero value is usable.
type PoolConfig struct {
	// MaxConns bounds open connections. Defaults to pgxpool's default
	// (the larger of 4 and the number of CPUs).
	MaxConns int32
	// SearchPath, when set, becomes the connections' search_path; tests use
	// it to isolate each test in its own schema.
	SearchPath string
	// ConnectTimeout bounds each connection attempt. Defaults to 5s.
	ConnectTimeout time.Duration
}

// Open connects to the database at url and checks that it answers.
func Open(ctx context.Context, url string, cfg PoolConfig) (*pgxpool.Pool, error) {
	pc, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %w", err)
	}
	if cfg.MaxConns > 0 {
		pc.MaxConns = cfg.MaxConns
	}
	if cfg.SearchPath != "" {
		pc.ConnConfig.RuntimeParams["search_path"] = cfg.SearchPath
	}
	pc.ConnConfig.ConnectTimeout = cmpOr(cfg.ConnectTimeout, 5*time.Second)
	pc.ConnConfig.RuntimeParams["application_name"] = cmpOrString(pc.ConnConfig.RuntimeParams["application_name"], "triage")
	pc.AfterConnect = registerVectorTypes
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", Describe(pc.ConnConfig), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to database %s: %w", Describe(pc.ConnConfig), err)
	}
	return pool, nil
}

// Describe names a database for messages without exposing its password.
func Describe(c *pgx.ConnConfig) string {
	return fmt.Sprintf("%s@%s/%s", c.User, net.JoinHostPort(c.Host, fmt.Sprint(c.Port)), c.Database)
}

// IsUnavailable reports whether err means the database could not be reached
// or is shutting down, as opposed to rejecting a statement.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 57P01-03: admin shutdown, crash
		// shutdown, cannot connect now.
		return pgErr.Code[:2] == "08" || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	var netErr net.Error
	var connectErr *pgconn.ConnectError
	return errors.As(err, &netErr) || errors.As(err, &connectErr) || pgconn.SafeToRetry(err)
}

func cmpOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func cmpOrString(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// registerVectorTypes lets the connection send and receive pgvector's
// vector and halfvec in binary: a 1,124-dimension vector as text is 10 KB
// of decimals for Go to format and PostgreSQL to parse, in binary 4.5 KB
// copied as is. Before the extension exists (a database not migrated yet)
// there is nothing to register, and vectors go as text.
func registerVectorTypes(ctx context.Context, conn *pgx.Conn) error {
	var vector *uint32
	if err := conn.QueryRow(ctx, "SELECT to_regtype('vector')::oid").Scan(&vector); err != nil || vector == nil {
		return err
	}
	return pgxvec.RegisterTypes(ctx, conn)
}
