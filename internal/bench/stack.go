package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/triage-oss/triage/internal/app"
	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/demo"
	"github.com/triage-oss/triage/internal/kb"
	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/llm/llmtest"
	"github.com/triage-oss/triage/internal/tokens"
)

// stackOptions says what a stack runs.
type stackOptions struct {
	// part names the stack's database, <Config.Databases>_<part>.
	part string
	// worker starts a worker with the API, on the fake OpenAI API; without
	// one only the API runs.
	worker bool
	// provider wraps the fake model's answers (a rate limit, a latency);
	// nil answers at once.
	provider func(llmtest.Handler) llmtest.Handler
	// configure adjusts the settings after the benchmark's own.
	configure func(*config.Config)
}

// stack is Triage as it runs in production, in this process: the API
// serving HTTP on a loopback port and, when asked, a worker calling a fake
// OpenAI API, on a database of its own.
type stack struct {
	url    string        // the API's root: http://127.0.0.1:port
	pool   *pgxpool.Pool // the API's pool
	model  *fakeModel
	client *http.Client
	token  string // an ingest token for the API

	cancel  context.CancelFunc
	running int        // processes to wait for
	errc    chan error // their Run results
	closers []func() error
}

// startStack creates the stack's database and starts its processes.
func (r *runner) startStack(ctx context.Context, o stackOptions) (s *stack, err error) {
	s = &stack{errc: make(chan error, 2)}
	defer func() {
		if err != nil {
			err = errors.Join(err, s.close())
		}
	}()
	dbURL, drop, err := freshDatabase(ctx, r.config.DatabaseURL, r.config.Databases, o.part)
	if err != nil {
		return s, err
	}
	s.closers = append(s.closers, drop)
	cfg := r.appConfig(dbURL)
	if o.worker {
		s.model = newFakeModel(o.provider)
		s.closers = append(s.closers, func() error { s.model.srv.Close(); return nil })
		cfg.Backend, cfg.OpenAIBaseURL, cfg.OpenAIModel, cfg.OpenAIAPIKey = llm.BackendOpenAI, s.model.srv.BaseURL(), "gpt-bench", "sk-bench"
	}
	if o.configure != nil {
		o.configure(&cfg)
	}
	if err := cfg.Validate(config.Need{Server: true, Backend: true}); err != nil {
		return s, err
	}
	return s, s.start(ctx, cfg, r.config.Logger, o.worker)
}

// appConfig returns the settings every stack starts from: the defaults,
// on database dbURL, listening on a free loopback port.
func (r *runner) appConfig(dbURL string) config.Config {
	cfg := config.Default()
	cfg.DatabaseURL = dbURL
	cfg.Addr = "127.0.0.1:0"
	cfg.LogLevel = "warn"
	return cfg
}

func (s *stack) start(ctx context.Context, cfg config.Config, log *slog.Logger, worker bool) error {
	api, err := app.NewAPI(ctx, cfg, log)
	if err != nil {
		return err
	}
	s.closers = append(s.closers, func() error { api.Close(); return nil })
	s.pool = api.Pool
	// The benchmark's own token: never the rate limit.
	if s.token, _, err = tokens.NewStore(api.Pool).Create(ctx, "bench", []tokens.Scope{tokens.ScopeIngest}, 1_000_000, "bench"); err != nil {
		return err
	}
	var w *app.Worker
	if worker {
		if err := importDemoKB(ctx, api.Pool, cfg, log); err != nil {
			return err
		}
		if w, err = app.NewWorker(ctx, cfg, log, app.WorkerOptions{}); err != nil {
			return err
		}
		s.closers = append(s.closers, func() error { w.Close(); return nil })
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel = cancel
	ready := make(chan string, 1)
	s.running++
	go func() { s.errc <- api.Run(runCtx, func(addr string) { ready <- addr }) }()
	select {
	case addr := <-ready:
		s.url = "http://" + addr
	case err := <-s.errc:
		s.running--
		return err
	}
	if w != nil {
		s.running++
		go func() { s.errc <- w.Run(runCtx) }()
	}
	s.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}, Timeout: 2 * time.Minute}
	return nil
}

// importDemoKB gives drafts the demo's knowledge base to cite.
func importDemoKB(ctx context.Context, pool *pgxpool.Pool, cfg config.Config, log *slog.Logger) error {
	articles, err := demo.KB()
	if err != nil {
		return err
	}
	store := kb.NewStore(pool)
	if _, err := store.Import(ctx, "demo", articles); err != nil {
		return err
	}
	e, err := app.NewEmbedder(ctx, cfg, log)
	if err != nil {
		return err
	}
	_, err = store.EmbedMissing(ctx, e)
	return err
}

// close stops the processes (the worker finishes its running jobs), then
// drops the database.
func (s *stack) close() error {
	var errs []error
	if s.cancel != nil {
		s.cancel()
	}
	for range s.running {
		errs = append(errs, <-s.errc)
	}
	s.running = 0
	for i := len(s.closers) - 1; i >= 0; i-- {
		errs = append(errs, s.closers[i]())
	}
	s.closers = nil
	return errors.Join(errs...)
}

// postAll sends the request bodies to POST /v1/items from clients
// concurrent clients, and checks that every item was created.
func (s *stack) postAll(ctx context.Context, bodies []batch, clients int) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, clients)
	for c := range clients {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(bodies) && errs[c] == nil; i = int(next.Add(1)) - 1 {
				errs[c] = s.post(ctx, bodies[i])
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// batch is the body of one POST /v1/items and how many items it holds.
type batch struct {
	body []byte
	n    int
}

// post sends one batch and checks that every item was created.
func (s *stack) post(ctx context.Context, b batch) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url+"/v1/items", bytes.NewReader(b.body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("post items: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("post items: %w", err)
	}
	var res struct {
		Created int `json:"created"`
	}
	if resp.StatusCode != http.StatusAccepted || json.Unmarshal(body, &res) != nil || res.Created != b.n {
		return fmt.Errorf("post %d items: %s: %.300s", b.n, resp.Status, body)
	}
	return nil
}

// draftReply is the fake model's answer to every draft request.
const draftReply = `{"reply":"Hi! Signing out and back in usually fixes this; the article has the steps.","citations":[1]}`

// fakeModel is a fake OpenAI API answering classifications as
// llmtest.Classifier does and drafts with draftReply, counting the
// requests of each kind it answers and those its provider refuses.
type fakeModel struct {
	srv                      *llmtest.Server
	classify, drafts, refuse atomic.Int64
}

// newFakeModel starts the fake model; provider, when not nil, wraps its
// answers.
func newFakeModel(provider func(llmtest.Handler) llmtest.Handler) *fakeModel {
	m := &fakeModel{}
	classifier := llmtest.Classifier()
	var h llmtest.Handler = func(ctx context.Context, c llmtest.Call) llmtest.Reply {
		if isDraft(c) {
			m.drafts.Add(1)
			return llmtest.Reply{Content: draftReply}
		}
		m.classify.Add(1)
		return classifier(ctx, c)
	}
	if provider != nil {
		h = provider(h)
	}
	m.srv = llmtest.NewOpenAI(nil, func(ctx context.Context, c llmtest.Call) llmtest.Reply {
		r := h(ctx, c)
		if r.Status == http.StatusTooManyRequests {
			m.refuse.Add(1)
		}
		return r
	})
	return m
}

func isDraft(c llmtest.Call) bool {
	return c.SchemaName == "triage_draft" || bytes.Contains(c.Schema, []byte(`"citations"`))
}
