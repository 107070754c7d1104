package demo_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/demo"
	"github.com/triage-oss/triage/internal/postgres"
	"github.com/triage-oss/triage/internal/postgres/pgtest"
)

func TestStream(t *testing.T) {
	t.Parallel()
	stream, err := demo.Stream(time.Now())
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(stream), 300)
	channels := map[string]bool{}
	for _, it := range stream {
		channels[it.Channel] = true
	}
	require.GreaterOrEqual(t, len(channels), 6)
}

// The README's main command, end to end on the local model: every item is
// triaged and the summary accounts for all of them.
func TestRun(t *testing.T) {
	t.Parallel()
	u, err := url.Parse(pgtest.URL())
	require.NoError(t, err)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	u.Path = "/triage_demo_test_" + hex.EncodeToString(b)
	dbURL := u.String()
	t.Cleanup(func() { require.NoError(t, postgres.DropDatabase(context.Background(), dbURL)) })

	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	var out bytes.Buffer
	err = demo.Run(context.Background(), cfg, demo.Options{
		DatabaseURL: dbURL, Out: &out, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	require.NoError(t, err, out.String())
	require.Contains(t, out.String(), "items from 9 channels triaged")
	require.Contains(t, out.String(), "model calls:      0")
	require.Contains(t, out.String(), "routed to teams:")

	pool := pgtest.Pool(t, dbURL)
	var waiting, total, classifiedOrClosed int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE state = 'received'), count(*),
		count(*) FILTER (WHERE state IN ('classified', 'filtered', 'duplicate', 'pending_review', 'auto_closed')) FROM items`).Scan(&waiting, &total, &classifiedOrClosed))
	require.Zero(t, waiting)
	stream, err := demo.Stream(time.Now())
	require.NoError(t, err)
	require.Equal(t, len(stream), total)
	require.Equal(t, total, classifiedOrClosed, "the local model handles every item")
	var drafted, sent, kbArticles int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM drafts),
		(SELECT count(*) FROM drafts WHERE state <> 'pending_review'), (SELECT count(*) FROM kb_documents)`).Scan(&drafted, &sent, &kbArticles))
	require.Positive(t, drafted, "replies are drafted from the sample knowledge base")
	require.Zero(t, sent, "nothing leaves the review queue without a reviewer")
	articles, err := demo.KB()
	require.NoError(t, err)
	require.Equal(t, len(articles), kbArticles)
}
