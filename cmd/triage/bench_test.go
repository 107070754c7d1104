package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/postgres/pgtest"
)

// TestBenchCommand runs `triage bench --quick --json` on its ingest part
// (internal/bench's own test runs every part) and checks the wiring: one
// JSON object of numbers on stdout, progress on stderr, the table without
// --json, and usage errors.
func TestBenchCommand(t *testing.T) {
	t.Parallel()

	b := make([]byte, 4)
	_, err := rand.Read(b)
	require.NoError(t, err)
	databases := "triage_bench_c" + hex.EncodeToString(b)
	dataDir := os.Getenv("TRIAGE_DATA_DIR")
	if dataDir == "" {
		dataDir = filepath.Join("..", "..", "..", "shared", "data")
	}
	run := func(args ...string) (string, string, error) {
		var out, errOut bytes.Buffer
		e := &env{getenv: func(k string) string {
			switch k {
			case "DATABASE_URL":
				return pgtest.URL()
			case "TRIAGE_DATA_DIR":
				return dataDir
			}
			return ""
		}, stdout: &out, stderr: &errOut}
		err := dispatch(context.Background(), e, append([]string{"bench"}, args...))
		return out.String(), errOut.String(), err
	}

	out, progress, err := run("--quick", "--json", "--only", "ingest", "--databases", databases)
	require.NoError(t, err, progress)
	var figures map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &figures), "stdout is one JSON object: %s", out)
	for _, k := range []string{"ingest_items_per_s", "copy_rows_per_s", "ingest_copy_ratio", "ingest_items"} {
		require.IsType(t, 0.0, figures[k], k)
		require.Positive(t, figures[k], k)
	}
	require.NotContains(t, figures, "e2e_items_per_s", "only the parts that ran")
	require.Contains(t, progress, "bench: ingest:")

	_, _, err = run("--quick", "--only", "speed")
	require.ErrorContains(t, err, `unknown part "speed"`)
	_, _, err = run("extra")
	require.ErrorContains(t, err, "usage: triage bench")
}
