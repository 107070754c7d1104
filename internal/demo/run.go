package demo

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/triage-oss/triage/internal/app"
	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/kb"
	"github.com/triage-oss/triage/internal/postgres"
	"github.com/triage-oss/triage/internal/tokens"
	"github.com/triage-oss/triage/internal/users"
)

// Options tunes Run.
type Options struct {
	// DatabaseURL is the demo's own database, dropped and recreated unless
	// Keep is set. Never point it at a database you care about.
	DatabaseURL string
	Keep        bool
	// Serve keeps the API up after the summary until ctx is cancelled.
	Serve bool
	// Out receives progress and the summary; Interactive redraws progress
	// on one line (a terminal) instead of printing a line per second.
	Out         io.Writer
	Interactive bool
	Logger      *slog.Logger
}

// DemoURL returns the demo database URL for a server: DATABASE_URL with
// the database name triage_demo.
func DemoURL(databaseURL string) (string, error) {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return "", fmt.Errorf("DATABASE_URL: %w", err)
	}
	u.Path = "/triage_demo"
	return u.String(), nil
}

// Run runs the demo with cfg's backend (the local model by default).
func Run(ctx context.Context, cfg config.Config, o Options) error {
	out := o.Out
	start := time.Now()
	fmt.Fprintf(out, "Triage demo: %s backend, database %s\n\n", cfg.Backend, o.DatabaseURL)
	if !o.Keep {
		if err := postgres.DropDatabase(ctx, o.DatabaseURL); err != nil {
			return err
		}
	}
	if err := app.Setup(ctx, o.DatabaseURL, out); err != nil {
		return err
	}
	cfg.DatabaseURL = o.DatabaseURL
	if err := loadKB(ctx, cfg, o); err != nil {
		return err
	}
	cfg.Addr = freeAddr(cfg.Addr)
	api, err := app.NewAPI(ctx, cfg, o.Logger)
	if err != nil {
		return err
	}
	defer api.Close()
	worker, err := app.NewWorker(ctx, cfg, o.Logger, app.WorkerOptions{})
	if err != nil {
		return err
	}
	defer worker.Close()

	runCtx, stop := context.WithCancel(ctx)
	errc := make(chan error, 2)
	ready := make(chan string, 1)
	go func() { errc <- api.Run(runCtx, func(addr string) { ready <- addr }) }()
	go func() { errc <- worker.Run(runCtx) }()
	err = show(ctx, cfg, o, api, ready, errc, start)
	// Stop both before their pools close (deferred above), whatever happened.
	stop()
	for range 2 {
		if rerr := <-errc; rerr != nil && err == nil {
			err = rerr
		}
	}
	return err
}

// show posts the stream, follows its triage, prints the summary and, when
// serving, waits for ctx.
func show(ctx context.Context, cfg config.Config, o Options, api *app.API, ready <-chan string, errc <-chan error, start time.Time) error {
	var addr string
	select {
	case addr = <-ready:
	case err := <-errc:
		return err
	}
	base := "http://" + addr
	// The demo's own admin token: it posts the stream, and the reader may
	// try the API with it.
	token, _, err := tokens.NewStore(api.Pool).Create(ctx, DemoUser, []tokens.Scope{tokens.ScopeAdmin}, tokens.DefaultRatePerMin, "demo")
	if err != nil {
		return fmt.Errorf("demo token: %w", err)
	}
	n, err := post(ctx, base, token)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.Out, "\nposted %d items to %s/v1/items; triaging...\n", n, base)
	if err := waitTriaged(ctx, api.Pool, n, o); err != nil {
		return err
	}
	if err := printSummary(ctx, o.Out, api.Pool, cfg.Backend, time.Since(start)); err != nil {
		return err
	}
	if o.Serve {
		password, err := demoUser(ctx, api.Pool)
		if err != nil {
			return err
		}
		printTry(o.Out, base, password, token)
		<-ctx.Done()
		fmt.Fprintln(o.Out, "\nstopping...")
	}
	return nil
}

// loadKB imports the sample knowledge base and embeds it, so drafts can
// cite it from the first item.
func loadKB(ctx context.Context, cfg config.Config, o Options) error {
	articles, err := KB()
	if err != nil {
		return err
	}
	pool, err := app.OpenDatabase(ctx, cfg.DatabaseURL, 2)
	if err != nil {
		return err
	}
	defer pool.Close()
	store := kb.NewStore(pool)
	st, err := store.Import(ctx, "demo", articles)
	if err != nil {
		return err
	}
	embedder, err := app.NewEmbedder(ctx, cfg, o.Logger)
	if err != nil {
		return err
	}
	n, err := store.EmbedMissing(ctx, embedder)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.Out, "knowledge base: %d articles, %d passages (%d new), embedded with %s\n", len(articles), st.Chunks, n, embedder.Model())
	return nil
}

// freeAddr returns addr when it can be listened on, else a free port on
// the same host, so a busy 8080 does not stop the demo.
func freeAddr(addr string) string {
	ln, err := net.Listen("tcp", addr)
	if err == nil {
		ln.Close()
		return addr
	}
	host, _, _ := net.SplitHostPort(addr)
	return net.JoinHostPort(host, "0")
}

// post sends the stream through the HTTP API in batches of 100.
func post(ctx context.Context, base, token string) (int, error) {
	var lines [][]byte
	sc := bufio.NewScanner(bytes.NewReader(streamJSONL))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		if l := bytes.TrimSpace(sc.Bytes()); len(l) > 0 {
			lines = append(lines, append([]byte(nil), l...))
		}
	}
	for i := 0; i < len(lines); i += 100 {
		body := append([]byte(`{"items":[`), bytes.Join(lines[i:min(i+100, len(lines))], []byte(","))...)
		body = append(body, "]}"...)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v1/items", bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, fmt.Errorf("post demo items: %w", err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 300 {
			return 0, fmt.Errorf("post demo items: %s: %s", resp.Status, msg)
		}
	}
	return len(lines), nil
}

// waitTriaged shows progress until no item waits for triage and no triage
// or draft job is left.
func waitTriaged(ctx context.Context, pool *pgxpool.Pool, total int, o Options) error {
	start := time.Now()
	last := time.Time{}
	for {
		var waiting, drafted, jobs int
		err := pool.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM items WHERE state = 'received'),
			(SELECT count(*) FROM drafts),
			(SELECT count(*) FROM river_job WHERE kind IN ('triage', 'dispatch', 'draft')
				AND state IN ('available', 'pending', 'running', 'retryable', 'scheduled'))`).Scan(&waiting, &drafted, &jobs)
		if err != nil {
			return err
		}
		done := total - waiting
		line := fmt.Sprintf("  triaged %d/%d items (%.0f items/s), %d replies drafted", done, total, float64(done)/time.Since(start).Seconds(), drafted)
		switch {
		case o.Interactive:
			fmt.Fprintf(o.Out, "\r%s   ", line)
		case time.Since(last) >= time.Second || jobs == 0:
			fmt.Fprintln(o.Out, line)
			last = time.Now()
		}
		if waiting == 0 && jobs == 0 {
			if o.Interactive {
				fmt.Fprintln(o.Out)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// DemoUser is the admin account the demo creates for its web UI.
const DemoUser = "demo"

// demoUser creates the demo's admin with a fresh random password (the demo
// database is recreated on every run) and returns the password.
func demoUser(ctx context.Context, pool *pgxpool.Pool) (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	password := base64.RawURLEncoding.EncodeToString(b)
	if _, err := users.NewStore(pool).Create(ctx, DemoUser, password, users.RoleAdmin); err != nil {
		return "", fmt.Errorf("demo user: %w", err)
	}
	return password, nil
}

func printTry(out io.Writer, base, password, token string) {
	example, _ := json.Marshal(map[string]string{"channel": "x", "external_id": "try-1", "author": "@you",
		"text": "Sync has been stuck on 'Preparing items' since this morning, help!"})
	fmt.Fprintf(out, `
The web UI is at %[1]s/ : sign in as %[3]s / %[4]s (admin: queue, incidents,
dashboard, evals, jobs). Press ? on a page for its keys.

The API is up at %[1]s, with an admin token for the demo. Try:
  export TRIAGE_TOKEN=%[5]s
  curl -s -H "Authorization: Bearer $TRIAGE_TOKEN" '%[1]s/v1/drafts?limit=5'   # the review queue
  curl -s -H "Authorization: Bearer $TRIAGE_TOKEN" %[1]s/v1/drafts/1            # a draft with its item, tags, passages and history
  curl -s -H "Authorization: Bearer $TRIAGE_TOKEN" %[1]s/v1/items/1
  curl -s -H "Authorization: Bearer $TRIAGE_TOKEN" -X POST %[1]s/v1/items -H 'Content-Type: application/json' -d '%[2]s'
  curl -s %[1]s/readyz
Press Ctrl-C to stop.
`, base, example, DemoUser, password, token)
}
