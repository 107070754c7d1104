package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/app"
	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/llm/llmtest"
	"github.com/triage-oss/triage/internal/postgres/pgtest"
	"github.com/triage-oss/triage/internal/tokens"
)

// privateServer is a PostgreSQL server of the test's own (initdb in a
// temporary directory, its own port), so that restarting it disturbs no
// other test.
type privateServer struct {
	t    *testing.T
	dir  string
	port int
}

const pgBin = "/usr/lib/postgresql/15/bin"

// asPostgres runs a PostgreSQL program as the postgres user when the test
// runs as root (the server refuses to run as root).
func asPostgres(name string, args ...string) *exec.Cmd {
	path := filepath.Join(pgBin, name)
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	}
	return exec.Command(path, args...)
}

func startPrivateServer(t *testing.T) *privateServer {
	t.Helper()
	dir, err := os.MkdirTemp("", "triage-pg-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		out, err := exec.Command("chown", "-R", "postgres:postgres", dir).CombinedOutput()
		require.NoError(t, err, string(out))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := &privateServer{t: t, dir: dir, port: port}
	out, err := asPostgres("initdb", "-D", filepath.Join(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync").CombinedOutput()
	require.NoError(t, err, string(out))
	s.ctl("start")
	t.Cleanup(func() { _ = asPostgres("pg_ctl", "-D", filepath.Join(dir, "data"), "-m", "immediate", "stop").Run() })
	return s
}

func (s *privateServer) ctl(action string) {
	s.t.Helper()
	out, err := asPostgres("pg_ctl", "-D", filepath.Join(s.dir, "data"), "-w", "-l", filepath.Join(s.dir, "log"), "-m", "fast",
		"-o", fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", s.port, s.dir), action).CombinedOutput()
	require.NoError(s.t, err, string(out))
}

func (s *privateServer) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}

// Restart PostgreSQL while clients ingest: while it is down they get 503
// with Retry-After, nothing is half-written (every batch is all there or
// not at all), the API and the worker reconnect by themselves, and once
// the clients have retried every batch each item exists once and is
// classified.
func TestPostgresRestartDuringIngest(t *testing.T) {
	t.Parallel()
	srv := startPrivateServer(t)
	ctx := context.Background()
	dbURL := srv.url("triage")
	require.NoError(t, app.Setup(ctx, dbURL, io.Discard))

	model := llmtest.NewOpenAI(t, withDrafts(llmtest.Classifier()))
	cfg := config.Default()
	cfg.DatabaseURL, cfg.Backend, cfg.LogLevel = dbURL, llm.BackendOpenAI, "error"
	cfg.OpenAIBaseURL, cfg.OpenAIModel, cfg.OpenAIAPIKey = model.BaseURL(), "gpt-test", "sk-test"
	cfg.PrefilterThreshold, cfg.NearDupThreshold = 2, 2
	require.NoError(t, cfg.Validate(config.Need{Server: true, Backend: true}))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	api, err := app.NewAPI(ctx, cfg, log)
	require.NoError(t, err)
	t.Cleanup(api.Close)
	web := httptest.NewServer(api.Handler)
	t.Cleanup(web.Close)
	secret, _, err := tokens.NewStore(api.Pool).Create(ctx, "ingest", []tokens.Scope{tokens.ScopeIngest}, 1_000_000, "test")
	require.NoError(t, err)
	worker, err := app.NewWorker(ctx, cfg, log, app.WorkerOptions{RetryPolicy: fastRetry{}})
	require.NoError(t, err)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- worker.Run(runCtx) }()
	t.Cleanup(func() { stop(); <-done; worker.Close() })

	// Four clients post batches of 20 and retry a batch until it is
	// accepted, honouring Retry-After.
	const clients, batches, size = 4, 15, 20
	var unavailable, retryAfter atomic.Int32
	var otherErrors sync.Map
	post := func(c, b int) {
		var list []map[string]any
		for i := range size {
			list = append(list, map[string]any{"channel": "forum", "external_id": fmt.Sprintf("c%d-b%d-%d", c, b, i),
				"text": fmt.Sprintf("client %d batch %d: sync is not working, error %d", c, b, i)})
		}
		body, _ := json.Marshal(map[string]any{"items": list})
		for attempt := 0; ; attempt++ {
			if attempt == 300 {
				t.Errorf("batch %d of client %d never accepted", b, c)
				return
			}
			req, _ := http.NewRequest(http.MethodPost, web.URL+"/v1/items", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+secret)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				otherErrors.Store(err.Error(), true)
				time.Sleep(100 * time.Millisecond)
				continue
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			switch {
			case resp.StatusCode < 300:
				return
			case resp.StatusCode == http.StatusServiceUnavailable:
				unavailable.Add(1)
				if ra, _ := strconv.Atoi(resp.Header.Get("Retry-After")); ra > 0 {
					retryAfter.Add(1)
				}
				time.Sleep(200 * time.Millisecond)
			default:
				otherErrors.Store(resp.Status, true)
				time.Sleep(100 * time.Millisecond)
			}
		}
	}
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			for b := range batches {
				post(c, b)
				time.Sleep(30 * time.Millisecond)
			}
		})
	}
	time.Sleep(300 * time.Millisecond)
	srv.ctl("stop") // mid-ingest
	time.Sleep(1500 * time.Millisecond)
	srv.ctl("start")
	wg.Wait()

	require.Positive(t, unavailable.Load(), "clients saw the database go away")
	require.Equal(t, unavailable.Load(), retryAfter.Load(), "every 503 says when to retry")
	otherErrors.Range(func(k, _ any) bool { t.Logf("other client error (retried): %v", k); return true })

	pool := pgtest.Pool(t, dbURL)
	const n = clients * batches * size
	require.Equal(t, n, count(t, pool, "SELECT count(*) FROM items"), "every item once")
	require.Zero(t, count(t, pool, `SELECT count(*) FROM (SELECT substring(external_id from '^(c[0-9]+-b[0-9]+)-') AS batch, count(*) FROM items
		GROUP BY 1 HAVING count(*) <> $1) partial`, size), "no batch half-written")
	require.Equal(t, n, count(t, pool, "SELECT count(*) FROM river_job WHERE kind = 'triage'"), "one triage job per item")
	require.Eventually(t, func() bool {
		return count(t, pool, "SELECT count(DISTINCT item_id) FROM classifications") == n
	}, 60*time.Second, 100*time.Millisecond, "the worker reconnected and classified everything")
	require.Equal(t, n, count(t, pool, "SELECT count(*) FROM classifications"))
	t.Logf("%d answers 503 with Retry-After while PostgreSQL restarted", unavailable.Load())
}
