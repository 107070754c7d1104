package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/postgres/pgtest"
	"github.com/triage-oss/triage/internal/routing"
)

func TestRulesCommands(t *testing.T) {
	t.Parallel()
	run := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		e := &env{getenv: func(string) string { return "" }, stdout: &out, stderr: &errOut}
		err := dispatch(context.Background(), e, args)
		return out.String(), err
	}
	out, err := run("rules", "default")
	require.NoError(t, err)
	require.Equal(t, string(routing.DefaultYAML()), out)

	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	require.NoError(t, os.WriteFile(good, []byte(out), 0o600))
	out, err = run("rules", "check", good)
	require.NoError(t, err)
	require.Contains(t, out, good+": valid")
	require.Contains(t, out, "p2        4h0m0s   raise to p1")

	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("teams: {a: {}}\npriorities: {p1: 1h}\ndefault: {team: b, priority: p1}\n"), 0o600))
	_, err = run("rules", "check", bad)
	require.ErrorIs(t, err, routing.ErrInvalid)
	require.ErrorContains(t, err, bad+`:3: default: unknown team "b" (teams: a)`)
}

func TestMetricsCommands(t *testing.T) {
	t.Parallel()
	schema := pgtest.NewSchema(t)
	run := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		e := &env{getenv: func(k string) string {
			if k == "DATABASE_URL" {
				return schema.URL
			}
			return ""
		}, stdout: &out, stderr: &errOut}
		err := dispatch(context.Background(), e, args)
		return out.String(), err
	}
	_, err := run("ingest", writeItems(t, `{"channel":"x","external_id":"1","text":"sync is broken"}`+"\n"+`{"channel":"email","external_id":"2","text":"refund please"}`))
	require.NoError(t, err)
	out, err := run("metrics", "report", "--group", "channel")
	require.NoError(t, err)
	require.Regexp(t, `(?m)^\s+email\s+1\s`, out)
	require.Regexp(t, `(?m)^\s+total\s+2\s`, out)
	_, err = run("metrics", "report", "--group", "week")
	require.Error(t, err)
	out, err = run("metrics", "rebuild")
	require.NoError(t, err)
	require.Contains(t, out, "counters rebuilt from history: 2 items")
}

func writeItems(t *testing.T, lines string) string {
	path := filepath.Join(t.TempDir(), "items.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(lines+"\n"), 0o600))
	return path
}
