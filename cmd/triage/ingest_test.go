package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/postgres/pgtest"
)

func TestIngestCommand(t *testing.T) {
	t.Parallel()
	schema := pgtest.NewSchema(t)
	pool := schema.Pool(t)
	dir := t.TempDir()
	run := func(lines string) (string, error) {
		path := filepath.Join(dir, "items.jsonl")
		require.NoError(t, os.WriteFile(path, []byte(lines), 0o600))
		var out, errOut bytes.Buffer
		e := &env{getenv: func(k string) string {
			if k == "DATABASE_URL" {
				return schema.URL
			}
			return ""
		}, stdout: &out, stderr: &errOut}
		err := dispatch(context.Background(), e, []string{"ingest", path})
		return out.String(), err
	}
	count := func(table string) int {
		var n int
		require.NoError(t, pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n))
		return n
	}

	_, err := run(`{"channel":"x","external_id":"1","text":"ok"}
{"channel":"x","external_id":"2","text":""}

{"channel":"nope","external_id":"3","text":"a"}
not json
`)
	require.Error(t, err)
	for _, want := range []string{"nothing stored", "line 2:", "text", "line 4:", "channel", "line 5:"} {
		require.ErrorContains(t, err, want)
	}
	require.Zero(t, count("items"))

	good := `{"channel":"x","external_id":"1","text":"ok"}
{"channel":"discord","external_id":"2","text":"also ok"}
`
	out, err := run(good)
	require.NoError(t, err)
	require.Contains(t, out, "2 items: 2 new (queued for triage), 0 already known")
	out, err = run(good)
	require.NoError(t, err)
	require.Contains(t, out, "0 new (queued for triage), 2 already known")
	require.Equal(t, 2, count("items"))
	require.Equal(t, 2, count("river_job"))

	_, err = run("")
	require.NoError(t, err, "an empty file ingests nothing")
	require.ErrorContains(t, dispatch(context.Background(), &env{getenv: func(string) string { return "" }, stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}},
		[]string{"ingest", "--format", "csv", "x"}), `unknown channel adapter "csv"`)

	// A platform's own payload, decoded by its adapter: an email file.
	eml := filepath.Join(dir, "mail.eml")
	require.NoError(t, os.WriteFile(eml, []byte("From: Maya <maya@mail.example>\r\nSubject: Refund\r\nMessage-ID: <r-1@mail.example>\r\n"+
		"Date: Mon, 23 Nov 2026 09:00:00 +0000\r\n\r\nPlease refund the second charge.\r\n\r\nOn Sun, Ana wrote:\r\n> old text\r\n"), 0o600))
	var out2, errOut2 bytes.Buffer
	e := &env{getenv: func(k string) string {
		if k == "DATABASE_URL" {
			return schema.URL
		}
		return ""
	}, stdout: &out2, stderr: &errOut2}
	require.NoError(t, dispatch(context.Background(), e, []string{"ingest", "--format", "email", eml}))
	require.Contains(t, out2.String(), "1 email events: 1 new")
	var text string
	require.NoError(t, pool.QueryRow(context.Background(), "SELECT text FROM items WHERE channel = 'email' AND external_id = 'r-1@mail.example'").Scan(&text))
	require.Contains(t, text, "Please refund the second charge.")
	require.NotContains(t, text, "old text", "the quoted reply is stripped")
}
