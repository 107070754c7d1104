package httpapi

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/items"
)

// Ingester stores items and enqueues their triage (pipeline.Ingester).
type Ingester interface {
	Ingest(ctx context.Context, batch []items.NewItem, actor string) ([]items.Inserted, error)
}

// ItemReader reads items and their history (items.Store).
type ItemReader interface {
	Get(ctx context.Context, id int64) (items.Item, error)
	Events(ctx context.Context, itemID int64) ([]items.Event, error)
	Thread(ctx context.Context, it items.Item, limit int) ([]items.Item, error)
}

// ClassificationReader reads an item's current classification
// (classify.Store).
type ClassificationReader interface {
	Latest(ctx context.Context, itemID int64) (classify.Stored, error)
}

// Config holds the server's dependencies.
type Config struct {
	Ingester        Ingester
	Items           ItemReader
	Classifications ClassificationReader
	// Drafts serves the review queue; nil leaves the /v1/drafts routes out.
	Drafts DraftService
	// Incidents serves /v1/incidents; nil leaves the routes out.
	Incidents Incidents
	// QA serves /v1/qa, the review of auto-closed samples; nil leaves the
	// routes out.
	QA QAReview
	// Metrics serves /v1/metrics, the managers' report; nil leaves it out.
	Metrics MetricsReporter
	// Prometheus serves /metrics; nil leaves it out.
	Prometheus http.Handler
	// Adapters and ChannelIngester serve /v1/channels/{name}/webhook;
	// nil leaves it out.
	Adapters        Adapters
	ChannelIngester ChannelIngester
	// Tokens checks API tokens; nil leaves the API open (tests of the
	// handlers alone). cmd/api always sets it.
	Tokens TokenVerifier
	// Audit records every state-changing request made with a token.
	Audit Auditor
	// RequestTimeout bounds each request. Defaults to
	// DefaultRequestTimeout.
	RequestTimeout time.Duration
	// UI serves every path the API does not (the web UI); nil leaves them
	// 404.
	UI http.Handler
	// Ready reports whether the server can do its job (database reachable,
	// migrations current); /readyz calls it.
	Ready func(ctx context.Context) error
	// MaxBodyBytes bounds a request body. Defaults to DefaultMaxBodyBytes.
	MaxBodyBytes int64
	Logger       *slog.Logger
	Now          func() time.Time
}

// DefaultMaxBodyBytes bounds an ingestion request: 1,000 items of typical
// size fit comfortably; larger batches should be split.
const DefaultMaxBodyBytes = 16 << 20

// Server is the HTTP handler of cmd/api.
type Server struct {
	cfg    Config
	mux    *http.ServeMux
	routes []Route
	limits limiter
}

// New returns a Server.
func New(cfg Config) *Server {
	cfg.MaxBodyBytes = cmp.Or(cfg.MaxBodyBytes, DefaultMaxBodyBytes)
	cfg.RequestTimeout = cmp.Or(cfg.RequestTimeout, DefaultRequestTimeout)
	cfg.Logger = cmp.Or(cfg.Logger, slog.Default())
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux()}
	s.handle("POST /v1/items", ingest, s.handleIngest)
	s.handle("GET /v1/items/{id}", readItems, s.handleGetItem)
	s.handle("GET /healthz", public, s.handleHealthz)
	s.handle("GET /readyz", public, s.handleReadyz)
	if cfg.Drafts != nil {
		s.routeDrafts()
	}
	if cfg.Incidents != nil {
		s.routeIncidents()
	}
	if cfg.QA != nil {
		s.routeQA()
	}
	if cfg.Metrics != nil {
		s.routeMetrics()
	}
	if cfg.Prometheus != nil {
		s.handle("GET /metrics", managers, cfg.Prometheus.ServeHTTP)
	}
	if cfg.Adapters != nil && cfg.ChannelIngester != nil {
		s.routeChannels()
	}
	if cfg.UI != nil {
		s.mux.Handle("/", cfg.UI)
	}
	return s
}

// ServeHTTP serves a request, turning a panic into a logged 500.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		if p := recover(); p != nil {
			s.cfg.Logger.ErrorContext(r.Context(), "panic serving request", "panic", p, "stack", string(debug.Stack()))
			writeError(rec, r, s.cfg.Logger, apperr.Errorf(apperr.EINTERNAL, "panic: %v", p))
		}
		s.cfg.Logger.DebugContext(r.Context(), "request", "method", r.Method, "path", r.URL.Path,
			"status", rec.status, "duration", time.Since(start))
	}()
	s.mux.ServeHTTP(rec, r)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

// Unwrap lets http.ResponseController reach the connection (flushing for
// streamed responses of the UI).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (s *Server) handleHealthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := s.cfg.Ready(ctx); err != nil {
		w.Header().Set("Retry-After", RetryAfterSeconds)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
