package web

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/users"
)

// noSession is the session of a page shown before sign-in.
var noSession users.Session

// page is what every template gets.
type page struct {
	User users.User
	CSRF string
	Nav  []navLink
	Path string
	Now  time.Time
	Data any
}

type navLink struct {
	Href, Label string
	Current     bool
}

var areas = []struct{ area, href, label string }{
	{"queue", "/queue", "Queue"},
	{"incidents", "/incidents", "Incidents"},
	{"dashboard", "/dashboard", "Dashboard"},
	{"evals", "/evals", "Evals"},
	{"admin", "/riverui/", "Jobs"},
}

var pageNames = []string{"login", "forbidden", "error", "queue", "draft", "incidents", "incident", "dashboard", "evals", "compare"}

// parsePages parses each page with the shared layout.
func parsePages() map[string]*template.Template {
	base := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html"))
	out := map[string]*template.Template{}
	for _, name := range pageNames {
		t := template.Must(template.Must(base.Clone()).ParseFS(templateFS, "templates/"+name+".html"))
		out[name] = t
	}
	return out
}

// render writes page name. The page is rendered into a buffer first so a
// template error becomes a clean 500, not half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, name string, sess users.Session, data any) {
	p := page{User: sess.User, CSRF: sess.CSRF, Path: r.URL.Path, Now: h.cfg.Now(), Data: data}
	if sess.User.ID != 0 {
		for _, a := range areas {
			if sess.User.Can(a.area) && (a.area != "admin" || h.cfg.RiverUI != nil) {
				p.Nav = append(p.Nav, navLink{Href: a.href, Label: a.label, Current: strings.HasPrefix(r.URL.Path, strings.TrimSuffix(a.href, "/"))})
			}
		}
	}
	var buf bytes.Buffer
	if err := h.pages[name].ExecuteTemplate(&buf, "layout.html", p); err != nil {
		h.cfg.Logger.ErrorContext(r.Context(), "render page", "page", name, "error", err)
		http.Error(w, "internal error rendering the page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(w)
}

// fail shows an error page with the status its code calls for; internal
// errors are logged and not shown.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := map[apperr.Code]int{apperr.ENOTFOUND: 404, apperr.EINVALID: 422, apperr.ECONFLICT: 409}[apperr.CodeOf(err)]
	msg := apperr.MessageOf(err)
	if status == 0 {
		status = http.StatusInternalServerError
		msg = "Something went wrong; it has been logged."
		h.cfg.Logger.ErrorContext(r.Context(), "web request failed", "path", r.URL.Path, "error", err)
	}
	sess, _ := r.Context().Value(sessionKey{}).(users.Session)
	w.WriteHeader(status)
	h.render(w, r, "error", sess, map[string]any{"Status": status, "Message": msg, "Fields": apperr.FieldsOf(err)})
}

// sessionKey carries the signed-in session in a request's context, for
// pages (the error page) rendered away from their handler.
type sessionKey struct{}

var funcs = template.FuncMap{
	// ago is a short age: 45s, 12m, 3h, 2d.
	"ago": func(now, t time.Time) string { return short(now.Sub(t)) },
	// breach is the time left before a deadline, or how long ago it passed.
	"breach": func(now time.Time, due *time.Time) string {
		if due == nil {
			return "no SLA"
		}
		d := due.Sub(now)
		if d < 0 {
			return "breached " + short(-d) + " ago"
		}
		return "in " + short(d)
	},
	"late": func(now time.Time, due *time.Time) bool { return due != nil && due.Before(now) },
	"pct": func(v *float64) string {
		if v == nil {
			return "–"
		}
		return fmt.Sprintf("%.1f%%", 100**v)
	},
	"pctf":  func(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) },
	"f3":    func(v float64) string { return fmt.Sprintf("%.3f", v) },
	"delta": func(v float64) string { return fmt.Sprintf("%+.3f", v+0) },
	"secs": func(v *float64) string {
		if v == nil {
			return "–"
		}
		return short(time.Duration(*v * float64(time.Second)))
	},
	"usd": func(v *float64) string {
		if v == nil {
			return "–"
		}
		return fmt.Sprintf("$%.4f", *v)
	},
	"clip": func(s string, n int) string {
		r := []rune(strings.Join(strings.Fields(s), " "))
		if len(r) <= n {
			return string(r)
		}
		return string(r[:n-1]) + "…"
	},
	"deref": func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	},
	"add":   func(a, b int64) int64 { return a + b },
	"width": func(v float64) string { return fmt.Sprintf("%.0f", math.Max(0, math.Min(100, 100*v))) },
}

func short(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

func urlQuery(s string) string { return url.QueryEscape(s) }
