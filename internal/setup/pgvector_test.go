package setup

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
)

// defaultTestDatabaseURL is used when TEST_DATABASE_URL is unset.
const defaultTestDatabaseURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// TestEnsurePgvector installs pgvector on this host when it is missing: that
// is what the test is for, and it needs root or sudo the first time.
func TestEnsurePgvector(t *testing.T) {
	t.Parallel()

	type testBundle struct {
		pool *pgxpool.Pool
	}

	setup := func(t *testing.T) *testBundle {
		t.Helper()
		dsn := cmp.Or(os.Getenv("TEST_DATABASE_URL"), defaultTestDatabaseURL)
		pool, err := pgxpool.New(t.Context(), dsn)
		require.NoError(t, err)
		t.Cleanup(pool.Close)
		require.NoError(t, pool.Ping(t.Context()), "connect to %s (set TEST_DATABASE_URL)", dsn)
		return &testBundle{pool: pool}
	}

	t.Run("CreateExtensionWorksInFreshDatabase", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		var out bytes.Buffer
		require.NoError(t, EnsurePgvector(t.Context(), bundle.pool, &out))
		t.Log(out.String())

		conn := freshDatabase(t, bundle.pool)
		_, err := conn.Exec(t.Context(), "CREATE EXTENSION IF NOT EXISTS vector")
		require.NoError(t, err)
		var distance float64
		require.NoError(t, conn.QueryRow(t.Context(),
			"SELECT '[1,2,3]'::vector <-> '[1,2,5]'::vector").Scan(&distance))
		require.InDelta(t, 2.0, distance, 1e-9)
	})

	t.Run("SecondCallIsFastNoop", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		require.NoError(t, EnsurePgvector(t.Context(), bundle.pool, nil))
		var out bytes.Buffer
		start := time.Now()
		require.NoError(t, EnsurePgvector(t.Context(), bundle.pool, &out))
		require.Less(t, time.Since(start), time.Second)
		require.Contains(t, out.String(), "already available")
	})
}

// TestEnsurePgvectorReportsInstallerFailure checks that a failing installer
// comes back as an error carrying its last output. The fake server claims a
// major version that has no pg_config on any host, so the script stops before
// changing anything.
func TestEnsurePgvectorReportsInstallerFailure(t *testing.T) {
	t.Parallel()

	db := fakeQuerier{version: 990001}
	err := EnsurePgvector(t.Context(), db, nil)
	require.ErrorContains(t, err, "install pgvector for PostgreSQL 99")
	require.ErrorContains(t, err, "/usr/lib/postgresql/99/bin/pg_config not found")
}

// fakeQuerier is a server that reports version, and offers pgvector at
// available ("": not at all).
type fakeQuerier struct {
	version   int
	available string
}

func (f fakeQuerier) QueryRow(_ context.Context, sql string, _ ...any) pgx.Row {
	switch {
	case sql == serverVersionSQL:
		return fakeRow{value: f.version}
	case sql == availableSQL && f.available != "":
		return fakeRow{text: f.available}
	}
	return fakeRow{err: pgx.ErrNoRows}
}

// fakeRow scans one int or string, or returns err.
type fakeRow struct {
	value int
	text  string
	err   error
}

func (r fakeRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	switch d := dest[0].(type) {
	case *int:
		*d = r.value
	case *string:
		*d = r.text
	}
	return nil
}

// freshDatabase creates a database that is dropped when t ends, and returns a
// connection to it.
func freshDatabase(t *testing.T, pool *pgxpool.Pool) *pgx.Conn {
	t.Helper()
	name := fmt.Sprintf("setup_test_%d", time.Now().UnixNano())
	ident := pgx.Identifier{name}.Sanitize()
	_, err := pool.Exec(t.Context(), "CREATE DATABASE "+ident)
	require.NoError(t, err)
	t.Cleanup(func() {
		// t.Context() is already done in cleanups.
		_, err := pool.Exec(context.Background(), "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)")
		require.NoError(t, err)
	})

	config := pool.Config().ConnConfig.Copy()
	config.Database = name
	conn, err := pgx.ConnectConfig(t.Context(), config)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// TestPgvectorScriptListMirrors checks that the script finds the Debian
// mirror in both apt source formats and skips what apt skips.
func TestPgvectorScriptListMirrors(t *testing.T) {
	t.Parallel()

	etc := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(etc, "sources.list.d"), 0o755))
	writeFile(t, filepath.Join(etc, "sources.list"), `
# deb http://commented.example/debian bookworm main
deb [ arch=amd64 signed-by=/k.gpg ] http://list.example/debian bookworm main contrib
deb http://list.example/debian-security bookworm-security main
deb https://docker.example/linux/debian bookworm stable
`)
	writeFile(t, filepath.Join(etc, "sources.list.d", "debian.sources"), `Types: deb deb-src
# URIs: http://commented.example/debian
URIs: mirror+file:///etc/apt/mirrors/debian.list
 http://continued.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://disabled.example/debian
Suites: bookworm
Components: main
Enabled: no
`)

	cmd := exec.CommandContext(t.Context(), "bash", "pgvector.sh", "--list-mirrors")
	cmd.Env = append(os.Environ(), "PGVECTOR_APT_ETC="+etc)
	got, err := cmd.Output()
	require.NoError(t, err)
	require.Equal(t, []string{
		"http://list.example/debian",
		"mirror+file:///etc/apt/mirrors/debian.list",
		"http://continued.example/debian",
	}, strings.Fields(string(got)))
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}

func TestVersionAtLeast(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v, min string
		want   bool
	}{
		{"0.8.0", "0.8.0", true},
		{"0.8.1", "0.8.0", true},
		{"0.10.0", "0.8.0", true},
		{"1.0", "0.8.0", true},
		{"0.7.4", "0.8.0", false},
		{"0.6.0", "0.8.0", false},
		{"0.8", "0.8.0", true},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, versionAtLeast(tt.v, tt.min), "%s >= %s", tt.v, tt.min)
	}
}

// An available pgvector older than MinPgvector sends EnsurePgvector to the
// installer (which, for a major version with no PostgreSQL here, fails).
func TestEnsurePgvectorUpgradesOldVersion(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := EnsurePgvector(t.Context(), fakeQuerier{version: 990001, available: "0.6.0"}, &out)
	require.Contains(t, out.String(), "vector 0.6.0 is older than "+MinPgvector)
	require.ErrorContains(t, err, "install pgvector for PostgreSQL 99")
}
