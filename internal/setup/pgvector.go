package setup

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pgvectorScript is the installer EnsurePgvector runs when the extension is
// missing. It can also be run by hand: bash internal/setup/pgvector.sh 15.
//
//go:embed pgvector.sh
var pgvectorScript string

// ErrPgvectorUnavailable is wrapped by the error EnsurePgvector returns when
// the installer ran without error but the server still does not offer the
// vector extension, typically because the server runs on another host.
var ErrPgvectorUnavailable = errors.New("pgvector extension not available")

// Querier is the part of a PostgreSQL connection that EnsurePgvector uses.
// *pgxpool.Pool, *pgx.Conn and pgx.Tx implement it.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

var (
	_ Querier = (*pgxpool.Pool)(nil)
	_ Querier = (*pgx.Conn)(nil)
)

// SQL used by EnsurePgvector.
const (
	// availableSQL returns one row, the version CREATE EXTENSION would
	// install, when the server can load pgvector.
	availableSQL = `SELECT default_version FROM pg_available_extensions WHERE name = 'vector'`

	// serverVersionSQL returns the version as a number: 150020 for 15.20.
	serverVersionSQL = `SELECT current_setting('server_version_num')::int`
)

// scriptWaitDelay is how long EnsurePgvector waits, once ctx is done and the
// installer's shell killed, for the commands it started to let go of its
// output.
const scriptWaitDelay = 10 * time.Second

// scriptErrTailLines is how many of the installer's last stderr lines an
// error carries.
const scriptErrTailLines = 30

// EnsurePgvector makes sure the server behind db offers the vector extension,
// so that CREATE EXTENSION vector works in any of its databases.
//
// It first asks the server (one cheap query) and returns nil at once when the
// extension is available. Otherwise it runs the embedded pgvector.sh for the
// server's major version, which installs pgvector on this host with apt or
// builds it from Debian's source package (see the package documentation);
// that needs root or sudo and the server running on this host. It then asks
// the server again.
//
// Short progress lines ("pgvector: ...") are written to out; nil discards
// them. The output of apt and make is not shown: when the installer fails the
// returned error ends with its last lines. When the installer succeeds but
// the server still lacks the extension, the error wraps
// ErrPgvectorUnavailable. Cancelling ctx kills the installer's shell and
// returns within 10 seconds; an apt-get or make it started is left to finish,
// since killing dpkg midway leaves the system to repair.
func EnsurePgvector(ctx context.Context, db Querier, out io.Writer) error {
	if out == nil {
		out = io.Discard
	}
	version, ok, err := availableVersion(ctx, db)
	if err != nil {
		return err
	}
	if ok && versionAtLeast(version, MinPgvector) {
		fmt.Fprintf(out, "pgvector: vector %s already available\n", version)
		return nil
	}
	if ok {
		fmt.Fprintf(out, "pgvector: vector %s is older than %s (halfvec indexes, iterative index scans): installing a newer one\n", version, MinPgvector)
	}
	major, err := serverMajor(ctx, db)
	if err != nil {
		return err
	}
	if err := runScript(ctx, major, out); err != nil {
		return err
	}
	return recheck(ctx, db, major, out)
}

// MinPgvector is the oldest pgvector Triage runs on: 0.7 brought halfvec
// and its HNSW indexes, 0.8 iterative index scans.
const MinPgvector = "0.8.0"

// versionAtLeast compares dotted numeric versions ("0.8.0", "0.10.1");
// a part that is not a number counts as 0.
func versionAtLeast(v, min string) bool {
	a, b := strings.Split(v, "."), strings.Split(min, ".")
	for i := range max(len(a), len(b)) {
		var x, y int
		if i < len(a) {
			x, _ = strconv.Atoi(a[i])
		}
		if i < len(b) {
			y, _ = strconv.Atoi(b[i])
		}
		if x != y {
			return x > y
		}
	}
	return true
}

// recheck confirms, after the installer ran, that the server now offers the
// extension.
func recheck(ctx context.Context, db Querier, major int, out io.Writer) error {
	version, ok, err := availableVersion(ctx, db)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("pgvector installed for PostgreSQL %d on this host, but the server does not list it (is the server on another host?): %w",
			major, ErrPgvectorUnavailable)
	}
	if !versionAtLeast(version, MinPgvector) {
		return fmt.Errorf("the server offers pgvector %s, Triage needs %s or later: %w", version, MinPgvector, ErrPgvectorUnavailable)
	}
	fmt.Fprintf(out, "pgvector: vector %s available\n", version)
	return nil
}

// availableVersion reports whether the server offers the vector extension,
// and the version CREATE EXTENSION would install.
func availableVersion(ctx context.Context, db Querier) (string, bool, error) {
	var version string
	err := db.QueryRow(ctx, availableSQL).Scan(&version)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("check whether pgvector is available: %w", err)
	}
	return version, true, nil
}

// serverMajor returns the server's major version: 15 for 15.20.
func serverMajor(ctx context.Context, db Querier) (int, error) {
	var num int
	if err := db.QueryRow(ctx, serverVersionSQL).Scan(&num); err != nil {
		return 0, fmt.Errorf("read PostgreSQL server version: %w", err)
	}
	return num / 10000, nil
}

// runScript runs pgvector.sh for the given major version. The script is
// passed with bash -c, not on stdin, so that apt, dpkg and sudo cannot read
// the rest of it as their input.
func runScript(ctx context.Context, major int, out io.Writer) error {
	stderr := &tailBuffer{max: scriptErrTailLines}
	cmd := exec.CommandContext(ctx, "bash", "-c", pgvectorScript, "pgvector.sh", strconv.Itoa(major))
	cmd.Env = append(os.Environ(), "PGVECTOR_MIN="+MinPgvector)
	cmd.Stdout = out
	cmd.Stderr = stderr
	cmd.WaitDelay = scriptWaitDelay
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("install pgvector for PostgreSQL %d (pgvector.sh): %w\n%s", major, err, stderr)
	}
	return nil
}

// tailBuffer is an io.Writer that keeps the last max lines written to it.
type tailBuffer struct {
	max   int
	buf   bytes.Buffer
	lines []string
}

// Write records p, keeping only the last max complete lines and any partial
// line that follows them.
func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf.Write(p)
	for {
		line, err := t.buf.ReadString('\n')
		if err != nil { // partial line: keep it for the next Write.
			t.buf.Reset()
			t.buf.WriteString(line)
			return len(p), nil
		}
		t.lines = append(t.lines, strings.TrimRight(line, "\n"))
		if len(t.lines) > t.max {
			t.lines = t.lines[len(t.lines)-t.max:]
		}
	}
}

// String returns the kept lines, the partial one included.
func (t *tailBuffer) String() string {
	lines := t.lines
	if t.buf.Len() > 0 {
		lines = append(lines[:len(lines):len(lines)], t.buf.String())
	}
	return strings.Join(lines, "\n")
}
