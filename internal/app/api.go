package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"riverqueue.com/riverui"

	"github.com/triage-oss/triage/internal/audit"
	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/dispatch"
	"github.com/triage-oss/triage/internal/drafts"
	"github.com/triage-oss/triage/internal/eval"
	"github.com/triage-oss/triage/internal/httpapi"
	"github.com/triage-oss/triage/internal/incidents"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/metrics"
	"github.com/triage-oss/triage/internal/pipeline"
	"github.com/triage-oss/triage/internal/postgres"
	"github.com/triage-oss/triage/internal/tokens"
	"github.com/triage-oss/triage/internal/users"
	"github.com/triage-oss/triage/internal/web"
)

// API is the HTTP server process.
type API struct {
	Pool    *pgxpool.Pool
	Handler http.Handler
	Logger  *slog.Logger
	addr    string
	start   func(ctx context.Context) error // background services of the handler (River UI)
	routes  func() []httpapi.Route
}

// NewAPI opens the database (refusing one that is behind) and builds the
// HTTP handler.
func NewAPI(ctx context.Context, cfg config.Config, log *slog.Logger) (*API, error) {
	pool, err := OpenDatabase(ctx, cfg.DatabaseURL, 0)
	if err != nil {
		return nil, err
	}
	a, err := newAPI(pool, cfg, log)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return a, nil
}

func newAPI(pool *pgxpool.Pool, cfg config.Config, log *slog.Logger) (*API, error) {
	inserter, err := pipeline.NewClient(pool, pipeline.ClientConfig{Logger: log})
	if err != nil {
		return nil, err
	}
	draftSvc := drafts.NewService(pool, inserter)
	adapters, err := ChannelAdapters(cfg)
	if err != nil {
		return nil, err
	}
	local, _, err := loadLocalModel(cfg.LocalModel)
	if err != nil {
		return nil, err
	}
	ingester := pipeline.NewIngester(pool, inserter, pipeline.IngestConfig{MaxAttempts: cfg.MaxAttempts, Priority: IngestPriority(local)})
	prices, err := eval.LoadPrices(cfg.PricesFile)
	if err != nil {
		return nil, fmt.Errorf("TRIAGE_PRICES: %w", err)
	}
	report := metrics.NewService(pool, prices)
	riverUI, err := riverui.NewHandler(&riverui.HandlerOpts{Endpoints: riverui.NewEndpoints(inserter, nil), Logger: log, Prefix: "/riverui"})
	if err != nil {
		return nil, fmt.Errorf("river ui: %w", err)
	}
	ui := web.New(web.Config{
		Accounts:        users.NewStore(pool),
		Drafts:          draftSvc,
		Items:           items.NewStore(pool),
		Classifications: classify.NewStore(pool),
		Incidents:       incidents.NewService(pool, draftSvc),
		Metrics:         report,
		Evals:           eval.NewStore(pool),
		RiverUI:         riverUI,
		Audit:           audit.New(pool),
		Logger:          log,
	})
	reg := prometheus.NewRegistry()
	reg.MustRegister(metrics.NewCollector(report, log), collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	h := httpapi.New(httpapi.Config{
		Tokens:          tokens.NewStore(pool),
		Audit:           audit.New(pool),
		Ingester:        ingester,
		Adapters:        adapters,
		ChannelIngester: ingester,
		Items:           items.NewStore(pool),
		Classifications: classify.NewStore(pool),
		Drafts:          draftSvc,
		Incidents:       incidents.NewService(pool, draftSvc),
		QA:              dispatch.NewQA(pool),
		Metrics:         report,
		Prometheus:      metrics.Handler(reg),
		UI:              ui,
		Ready: func(ctx context.Context) error {
			return postgres.CheckCurrent(ctx, pool)
		},
		Logger: log,
	})
	return &API{Pool: pool, Handler: h, Logger: log, addr: cfg.Addr, start: riverUI.Start, routes: h.Routes}, nil
}

// Routes lists the API routes and who may call them.
func (a *API) Routes() []httpapi.Route { return a.routes() }

// Run serves until ctx is cancelled, then drains connections for up to 10s.
// ready, when not nil, receives the listening address once it listens.
func (a *API) Run(ctx context.Context, ready func(addr string)) error {
	ln, err := net.Listen("tcp", a.addr)
	if err != nil {
		return fmt.Errorf("listen on %s (TRIAGE_ADDR): %w", a.addr, err)
	}
	srv := &http.Server{
		Handler:           a.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.Logger.Handler(), slog.LevelWarn),
	}
	if a.start != nil {
		if err := a.start(ctx); err != nil {
			ln.Close()
			return fmt.Errorf("start river ui: %w", err)
		}
	}
	a.Logger.Info("api listening", "addr", ln.Addr().String(), "ui", "http://"+ln.Addr().String()+"/")
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// Close releases the database pool.
func (a *API) Close() { a.Pool.Close() }
