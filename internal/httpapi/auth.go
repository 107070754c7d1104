package httpapi

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/audit"
	"github.com/triage-oss/triage/internal/tokens"
)

// TokenVerifier checks an API token (tokens.Store).
type TokenVerifier interface {
	Verify(ctx context.Context, secret string) (tokens.Token, error)
}

// Auditor records privileged actions (audit.Log).
type Auditor interface {
	Record(ctx context.Context, e audit.Entry) error
}

// Access is who may call a route.
type Access struct {
	// Public routes need no token (health checks).
	Public bool
	// Signed routes authenticate each delivery by its signature (channel
	// webhooks), not by token.
	Signed bool
	// Scopes a token needs one of; admin may call every route.
	Scopes []tokens.Scope
}

// Access of the routes.
var (
	public        = Access{Public: true}
	signed        = Access{Signed: true}
	ingest        = Access{Scopes: []tokens.Scope{tokens.ScopeIngest}}
	readItems     = Access{Scopes: []tokens.Scope{tokens.ScopeReviewer, tokens.ScopeOps, tokens.ScopeManager}}
	readDrafts    = Access{Scopes: []tokens.Scope{tokens.ScopeReviewer, tokens.ScopeOps}}
	review        = Access{Scopes: []tokens.Scope{tokens.ScopeReviewer}}
	readIncidents = Access{Scopes: []tokens.Scope{tokens.ScopeReviewer, tokens.ScopeManager}}
	readQA        = Access{Scopes: []tokens.Scope{tokens.ScopeReviewer, tokens.ScopeOps, tokens.ScopeManager}}
	judgeQA       = Access{Scopes: []tokens.Scope{tokens.ScopeReviewer, tokens.ScopeOps}}
	managers      = Access{Scopes: []tokens.Scope{tokens.ScopeManager}}
)

// Route is a registered API route and who may call it.
type Route struct {
	Pattern string // "POST /v1/items"
	Access  Access
}

// Routes lists the API's routes with their access, in registration order
// (the route × scope test walks them).
func (s *Server) Routes() []Route { return slices.Clone(s.routes) }

// DefaultRequestTimeout bounds a request's work.
const DefaultRequestTimeout = 30 * time.Second

// handle registers h behind authentication (unless a is public or
// signed), the token's rate limit, a request timeout and, for requests
// that change something, the audit log.
func (s *Server) handle(pattern string, a Access, h http.HandlerFunc) {
	s.routes = append(s.routes, Route{Pattern: pattern, Access: a})
	s.mux.Handle(pattern, s.guard(pattern, a, h))
}

type principalKey struct{}

// Principal returns who is calling: "token:<name>", or "" for an
// unauthenticated route.
func Principal(ctx context.Context) string {
	p, _ := ctx.Value(principalKey{}).(string)
	return p
}

func (s *Server) guard(pattern string, a Access, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
		defer cancel()
		r = r.WithContext(ctx)
		if a.Public || a.Signed || s.cfg.Tokens == nil {
			h.ServeHTTP(w, r)
			return
		}
		tok, err := s.authenticate(r)
		if err != nil {
			if apperr.CodeOf(err) == apperr.EUNAUTHORIZED {
				w.Header().Set("WWW-Authenticate", `Bearer realm="triage"`)
			}
			writeError(w, r, s.cfg.Logger, err)
			return
		}
		if !tok.Allows(a.Scopes...) {
			writeError(w, r, s.cfg.Logger, &apperr.Error{Code: apperr.EFORBIDDEN,
				Message: fmt.Sprintf("token %q (scopes %v) may not call %s: it needs one of %v or admin", tok.Name, tok.Scopes, pattern, a.Scopes)})
			return
		}
		if wait, ok := s.limits.allow(tok.ID, tok.RatePerMin, s.cfg.Now()); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			writeError(w, r, s.cfg.Logger, apperr.Errorf(apperr.ERATELIMITED, "token %q is over its %d requests a minute; retry in %s",
				tok.Name, tok.RatePerMin, wait.Round(time.Second)))
			return
		}
		principal := "token:" + tok.Name
		r = r.WithContext(context.WithValue(r.Context(), principalKey{}, principal))
		if r.Method == http.MethodGet || r.Method == http.MethodHead || s.cfg.Audit == nil {
			h.ServeHTTP(w, r)
			return
		}
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		// The audit write outlives a cancelled request: what was done is
		// recorded even when the client went away.
		actx, acancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Second)
		defer acancel()
		if err := s.cfg.Audit.Record(actx, audit.Entry{Actor: principal, Action: pattern, Target: r.URL.Path, Status: rec.status,
			Remote: host}); err != nil {
			s.cfg.Logger.ErrorContext(r.Context(), "audit log", "error", err, "actor", principal, "action", pattern)
		}
	})
}

// authenticate reads the bearer token and verifies it.
func (s *Server) authenticate(r *http.Request) (tokens.Token, error) {
	h := r.Header.Get("Authorization")
	secret, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || secret == "" {
		return tokens.Token{}, apperr.Errorf(apperr.EUNAUTHORIZED, "an API token is required: Authorization: Bearer trg_... (triage tokens add)")
	}
	tok, err := s.cfg.Tokens.Verify(r.Context(), strings.TrimSpace(secret))
	if errors.Is(err, tokens.ErrInvalid) {
		return tokens.Token{}, &apperr.Error{Code: apperr.EUNAUTHORIZED, Message: "invalid API token", Err: err}
	}
	if err != nil {
		return tokens.Token{}, &apperr.Error{Code: apperr.EUNAVAILABLE, Message: "could not check the API token; retry later", Err: err}
	}
	return tok, nil
}

// limiter holds a token bucket per API token: ratePerMin requests a
// minute, with bursts of up to a tenth of that (at least 10). Buckets are
// per API process.
type limiter struct {
	mu      sync.Mutex
	buckets map[int64]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// allow takes one request from the token's bucket, or says how long until
// one is available.
func (l *limiter) allow(id int64, ratePerMin int, now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		l.buckets = map[int64]*bucket{}
	}
	perSec := float64(ratePerMin) / 60
	burst := math.Max(10, float64(ratePerMin)/10)
	b, ok := l.buckets[id]
	if !ok {
		b = &bucket{tokens: burst, last: now}
		l.buckets[id] = b
	}
	b.tokens = math.Min(burst, b.tokens+now.Sub(b.last).Seconds()*perSec)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	return time.Duration((1 - b.tokens) / perSec * float64(time.Second)), false
}
