package app

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/triage-oss/triage/internal/postgres"
)

// OpenDatabase connects to url and refuses a database whose migrations are
// behind this binary, with a message saying how to fix it.
func OpenDatabase(ctx context.Context, url string, maxConns int32) (*pgxpool.Pool, error) {
	pool, err := postgres.Open(ctx, url, postgres.PoolConfig{MaxConns: maxConns})
	if err != nil {
		return nil, fmt.Errorf("%w (is PostgreSQL running? run `triage setup` to create the database)", err)
	}
	if err := postgres.CheckCurrent(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}
