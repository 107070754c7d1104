// Package web is the reviewers', ops specialists' and managers' user
// interface: pages rendered on the server with html/template, assets
// embedded in the binary (it works offline), a little hand-written
// JavaScript for the keyboard. Sign-in uses accounts from package users;
// every form carries the session's CSRF token; each page checks the role.
package web

import (
	"cmp"
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/triage-oss/triage/internal/audit"
	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/drafts"
	"github.com/triage-oss/triage/internal/eval"
	"github.com/triage-oss/triage/internal/incidents"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/metrics"
	"github.com/triage-oss/triage/internal/users"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Accounts signs people in and keeps their sessions (users.Store).
type Accounts interface {
	Authenticate(ctx context.Context, name, password string) (users.User, error)
	NewSession(ctx context.Context, userID int64, ttl time.Duration) (string, users.Session, error)
	Session(ctx context.Context, token string) (users.Session, error)
	Revoke(ctx context.Context, token string) error
	PurgeExpired(ctx context.Context, now time.Time) (int, error)
}

// Drafts is the approval queue (drafts.Service).
type Drafts interface {
	Queue(ctx context.Context, f drafts.QueueFilter) ([]drafts.QueueEntry, error)
	Pending(ctx context.Context) (int, error)
	Get(ctx context.Context, id int64) (drafts.Draft, error)
	Events(ctx context.Context, id int64) ([]drafts.Event, error)
	Review(ctx context.Context, id int64, a drafts.Action) (drafts.Draft, error)
}

// Items reads items, their threads and history (items.Store).
type Items interface {
	Get(ctx context.Context, id int64) (items.Item, error)
	Thread(ctx context.Context, it items.Item, limit int) ([]items.Item, error)
	Events(ctx context.Context, itemID int64) ([]items.Event, error)
}

// Classifications reads an item's labels (classify.Store).
type Classifications interface {
	Latest(ctx context.Context, itemID int64) (classify.Stored, error)
}

// Incidents is the incident desk (incidents.Service).
type Incidents interface {
	List(ctx context.Context, state string) ([]incidents.Incident, error)
	Get(ctx context.Context, id int64) (incidents.Incident, error)
	Reply(ctx context.Context, id int64, body, reviewer string) (int, error)
	Close(ctx context.Context, id int64, actor, reason string) (int, error)
}

// Metrics computes the managers' report (metrics.Service).
type Metrics interface {
	Report(ctx context.Context, f metrics.Filter, group metrics.Group) (metrics.Report, error)
}

// Evals reads stored eval runs (eval.Store).
type Evals interface {
	List(ctx context.Context, limit int) ([]eval.RunSummary, error)
	Get(ctx context.Context, id int64) (eval.Result, error)
}

// Auditor records privileged actions (audit.Log).
type Auditor interface {
	Record(ctx context.Context, e audit.Entry) error
}

// Config holds the UI's dependencies.
type Config struct {
	Accounts        Accounts
	Drafts          Drafts
	Items           Items
	Classifications Classifications
	Incidents       Incidents
	Metrics         Metrics
	Evals           Evals
	// Audit records every form a user posts (approvals, rejections,
	// incident replies and closes, sign-outs) and sign-ins; nil records
	// nothing.
	Audit Auditor
	// RiverUI, when set, is mounted at /riverui/ for admins.
	RiverUI http.Handler
	// SecureCookies marks cookies Secure even for plain HTTP requests (set
	// it behind a TLS-terminating proxy that does not send
	// X-Forwarded-Proto).
	SecureCookies bool
	// SessionTTL is how long a sign-in lasts. Defaults to DefaultSessionTTL.
	SessionTTL time.Duration
	Logger     *slog.Logger
	Now        func() time.Time
}

// DefaultSessionTTL is a working day and a bit.
const DefaultSessionTTL = 12 * time.Hour

// Handler serves the UI.
type Handler struct {
	cfg   Config
	mux   *http.ServeMux
	pages map[string]*template.Template
}

// New returns the UI handler. It panics if the embedded templates do not
// parse, which the tests catch.
func New(cfg Config) *Handler {
	cfg.Logger = cmp.Or(cfg.Logger, slog.Default())
	cfg.SessionTTL = cmp.Or(cfg.SessionTTL, DefaultSessionTTL)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	h := &Handler{cfg: cfg, mux: http.NewServeMux(), pages: parsePages()}
	static, _ := fs.Sub(staticFS, "static")
	h.mux.Handle("GET /static/", http.StripPrefix("/static/", cacheForever(http.FileServerFS(static))))
	h.mux.HandleFunc("GET /login", h.loginPage)
	h.mux.HandleFunc("POST /login", h.login)
	h.mux.Handle("POST /logout", h.authed("", h.logout))
	h.mux.Handle("GET /{$}", h.authed("", h.home))

	h.mux.Handle("GET /queue", h.authed("queue", h.queue))
	h.mux.Handle("GET /queue/{id}", h.authed("queue", h.draftPage))
	h.mux.Handle("POST /queue/{id}/approve", h.authed("queue", h.approve))
	h.mux.Handle("POST /queue/{id}/reject", h.authed("queue", h.reject))
	h.mux.Handle("POST /clusters/{id}/approve", h.authed("queue", h.approveCluster))

	h.mux.Handle("GET /incidents", h.authed("incidents", h.incidentList))
	h.mux.Handle("GET /incidents/{id}", h.authed("incidents", h.incidentPage))
	h.mux.Handle("POST /incidents/{id}/reply", h.authed("incidents", h.incidentReply))
	h.mux.Handle("POST /incidents/{id}/close", h.authed("incidents", h.incidentClose))

	h.mux.Handle("GET /dashboard", h.authed("dashboard", h.dashboard))
	h.mux.Handle("GET /evals", h.authed("evals", h.evals))
	h.mux.Handle("GET /evals/compare", h.authed("evals", h.compare))
	if cfg.RiverUI != nil {
		h.mux.Handle("/riverui/", h.authed("admin", func(w http.ResponseWriter, r *http.Request, _ users.Session) {
			cfg.RiverUI.ServeHTTP(w, r)
		}))
	}
	return h
}

// ServeHTTP serves a UI request with the security headers every page
// carries. River UI brings its own scripts and styles and is exempt from
// the content security policy.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("X-Frame-Options", "DENY")
	if !isRiverUI(r.URL.Path) {
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "+
			"frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	}
	h.mux.ServeHTTP(w, r)
}

func isRiverUI(path string) bool { return len(path) >= 9 && path[:9] == "/riverui/" }

func cacheForever(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}
