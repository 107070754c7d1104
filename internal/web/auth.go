package web

import (
	"context"
	"net"
	"time"
	"unicode/utf8"

	"github.com/triage-oss/triage/internal/audit"

	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/triage-oss/triage/internal/users"
)

// Cookie names.
const (
	sessionCookie = "triage_session"
	loginCookie   = "triage_login" // double-submit CSRF token of the sign-in form
)

// authed wraps a page that needs a signed-in user whose role may use area
// ("" for any role). A POST must carry the session's CSRF token, in the
// form field csrf or the X-CSRF-Token header; without it the request is
// refused before fn runs.
func (h *Handler) authed(area string, fn func(http.ResponseWriter, *http.Request, users.Session)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		var sess users.Session
		if err == nil {
			sess, err = h.cfg.Accounts.Session(r.Context(), c.Value)
		}
		if err != nil {
			if !errors.Is(err, http.ErrNoCookie) && !errors.Is(err, users.ErrNoSession) {
				h.fail(w, r, err)
				return
			}
			if r.Method != http.MethodGet {
				http.Error(w, "sign in first", http.StatusUnauthorized)
				return
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if area != "" && !sess.User.Can(area) {
			w.WriteHeader(http.StatusForbidden)
			h.render(w, r, "forbidden", sess, map[string]any{"Area": area})
			return
		}
		if r.Method == http.MethodPost {
			token := r.Header.Get("X-CSRF-Token")
			if token == "" {
				token = r.PostFormValue("csrf")
			}
			if !users.CheckCSRF(sess, token) {
				http.Error(w, "invalid or missing CSRF token: reload the page and try again", http.StatusForbidden)
				return
			}
		}
		r = r.WithContext(context.WithValue(r.Context(), sessionKey{}, sess))
		if r.Method != http.MethodPost {
			fn(w, r, sess)
			return
		}
		rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		fn(rec, r, sess)
		h.audit(r, "user:"+sess.User.Name, r.Method+" "+r.Pattern, rec.status, nil)
	})
}

func (h *Handler) secure(r *http.Request) bool {
	return h.cfg.SecureCookies || r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// safeNext keeps a post-sign-in redirect on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) {
	h.showLogin(w, r, http.StatusOK, "")
}

func (h *Handler) showLogin(w http.ResponseWriter, r *http.Request, status int, problem string) {
	token := randomToken()
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: token, Path: "/login", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: h.secure(r), MaxAge: 3600})
	w.WriteHeader(status)
	h.render(w, r, "login", noSession, map[string]any{"CSRF": token, "Next": safeNext(r.FormValue("next")), "Problem": problem,
		"Name": r.PostFormValue("name")})
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(loginCookie)
	form := r.PostFormValue("csrf")
	if err != nil || form == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(form)) != 1 {
		http.Error(w, "invalid or missing CSRF token: reload the sign-in page", http.StatusForbidden)
		return
	}
	u, err := h.cfg.Accounts.Authenticate(r.Context(), r.PostFormValue("name"), r.PostFormValue("password"))
	if errors.Is(err, users.ErrBadCredentials) {
		h.cfg.Logger.WarnContext(r.Context(), "failed sign-in", "name", r.PostFormValue("name"), "remote", r.RemoteAddr)
		h.audit(r, "anonymous", "failed sign-in", http.StatusUnauthorized, map[string]any{"name": clipLog(r.PostFormValue("name"), 64)})
		h.showLogin(w, r, http.StatusUnauthorized, "Wrong name or password.")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	token, _, err := h.cfg.Accounts.NewSession(r.Context(), u.ID, h.cfg.SessionTTL)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: h.secure(r), MaxAge: int(h.cfg.SessionTTL.Seconds())})
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Path: "/login", MaxAge: -1})
	h.cfg.Logger.InfoContext(r.Context(), "signed in", "user", u.Name, "role", u.Role)
	h.audit(r, "user:"+u.Name, "sign in", http.StatusSeeOther, map[string]any{"role": u.Role})
	// Sign-ins are rare enough to sweep expired sessions (an indexed delete).
	if n, err := h.cfg.Accounts.PurgeExpired(r.Context(), h.cfg.Now()); err != nil {
		h.cfg.Logger.WarnContext(r.Context(), "purge expired sessions", "error", err)
	} else if n > 0 {
		h.cfg.Logger.DebugContext(r.Context(), "purged expired sessions", "count", n)
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request, _ users.Session) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := h.cfg.Accounts.Revoke(r.Context(), c.Value); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1, HttpOnly: true})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// home sends each role to the page it lives in.
func (h *Handler) home(w http.ResponseWriter, r *http.Request, sess users.Session) {
	dest := "/queue"
	switch sess.User.Role {
	case users.RoleManager:
		dest = "/dashboard"
	case users.RoleOps:
		dest = "/evals"
	}
	http.Redirect(w, r, dest, http.StatusSeeOther)
}

// statusWriter remembers the status a handler wrote, for the audit log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// audit records an action; a failure to record is logged, not shown.
func (h *Handler) audit(r *http.Request, actor, action string, status int, detail map[string]any) {
	if h.cfg.Audit == nil {
		return
	}
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Second)
	defer cancel()
	if err := h.cfg.Audit.Record(ctx, audit.Entry{Actor: actor, Action: action, Target: r.URL.Path, Status: status, Remote: host, Detail: detail}); err != nil {
		h.cfg.Logger.ErrorContext(r.Context(), "audit log", "error", err, "actor", actor, "action", action)
	}
}

// clipLog cuts s to at most n bytes at a rune boundary, for logs.
func clipLog(s string, n int) string {
	s = strings.ToValidUTF8(s, "?")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
