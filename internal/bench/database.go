package bench

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/triage-oss/triage/internal/app"
	"github.com/triage-oss/triage/internal/postgres"
)

// DatabasePrefix starts the name of every database the benchmark creates
// by default.
const DatabasePrefix = "triage_bench"

// databaseURL returns serverURL with its database replaced by name.
func databaseURL(serverURL, name string) (string, error) {
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", fmt.Errorf("database URL: %w", err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

// freshDatabase creates and migrates the database <prefix>_<part> on the
// server of serverURL, dropping what an earlier run left there first.
// drop removes it.
func freshDatabase(ctx context.Context, serverURL, prefix, part string) (dbURL string, drop func() error, err error) {
	dbURL, err = databaseURL(serverURL, prefix+"_"+part)
	if err != nil {
		return "", nil, err
	}
	if err := postgres.DropDatabase(ctx, dbURL); err != nil {
		return "", nil, err
	}
	if err := app.Setup(ctx, dbURL, io.Discard); err != nil {
		return "", nil, err
	}
	drop = func() error {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		return postgres.DropDatabase(ctx, dbURL)
	}
	return dbURL, drop, nil
}
