package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"
	"riverqueue.com/riverui"

	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/drafts"
	"github.com/triage-oss/triage/internal/eval"
	"github.com/triage-oss/triage/internal/incidents"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/metrics"
	"github.com/triage-oss/triage/internal/postgres/pgtest"
	"github.com/triage-oss/triage/internal/users"
	"github.com/triage-oss/triage/internal/web"
)

type bundle struct {
	pool     *pgxpool.Pool
	handler  http.Handler
	accounts *users.Store
	sessions map[users.Role]session
}

type session struct{ token, csrf string }

// setup builds the UI on its real dependencies and signs in one user per
// role.
func setup(tb testing.TB) *bundle {
	tb.Helper()
	ctx := context.Background()
	pool := pgtest.New(tb)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: log})
	require.NoError(tb, err)
	ui, err := riverui.NewHandler(&riverui.HandlerOpts{Endpoints: riverui.NewEndpoints(client, nil), Logger: log, Prefix: "/riverui"})
	require.NoError(tb, err)
	svc := drafts.NewService(pool, client)
	b := &bundle{pool: pool, accounts: users.NewStore(pool), sessions: map[users.Role]session{}}
	b.handler = web.New(web.Config{
		Accounts: b.accounts, Drafts: svc, Items: items.NewStore(pool), Classifications: classify.NewStore(pool),
		Incidents: incidents.NewService(pool, svc), Metrics: metrics.NewService(pool, nil), Evals: eval.NewStore(pool),
		RiverUI: ui, Logger: log,
	})
	for _, role := range users.Roles {
		u, err := b.accounts.Create(ctx, string(role)+"1", "a long enough password", role)
		require.NoError(tb, err)
		token, s, err := b.accounts.NewSession(ctx, u.ID, time.Hour)
		require.NoError(tb, err)
		b.sessions[role] = session{token, s.CSRF}
	}
	return b
}

// do sends a request as role ("" for nobody) and returns the response.
func (b *bundle) do(tb testing.TB, role users.Role, method, target string, form url.Values) *http.Response {
	tb.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if s, ok := b.sessions[role]; ok {
		req.AddCookie(&http.Cookie{Name: "triage_session", Value: s.token})
	}
	rec := httptest.NewRecorder()
	b.handler.ServeHTTP(rec, req)
	return rec.Result()
}

// seed stores n items with classifications and pending drafts, with
// deadlines spread over the next hours, in one statement each.
func seed(tb testing.TB, pool *pgxpool.Pool, n int) {
	tb.Helper()
	ctx := context.Background()
	require.NoError(tb, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for _, q := range []string{
			`INSERT INTO items (channel, external_id, author, text, text_hash, state, created_at, received_at, team, priority, sla_due_at)
			 SELECT (ARRAY['x','discord','reddit','email','forum'])[1 + g % 5], 'seed-' || g, '@user' || g,
			        'sync has been failing since the update, message ' || g, sha256(('seed' || g)::bytea), 'pending_review',
			        now() - g * interval '10 seconds', now() - g * interval '10 seconds', 'support', 'p2',
			        now() + ((g * 7919) % 1000) * interval '1 minute'
			 FROM generate_series(1, $1) g`,
			`INSERT INTO classifications (item_id, intent, topic, urgency, sentiment, sarcasm, risk, severity, language, summary,
			        confidence, prompt_version, prompt_hash, backend, model, latency_ms, prompt_tokens, completion_tokens, model_calls)
			 SELECT id, 'support_issue', 'bug', 'high', 'negative', id % 7 = 0, CASE WHEN id % 11 = 0 THEN 'scam' ELSE 'none' END, 'medium', 'en',
			        'The author reports failing sync.', '{"intent":0.9,"topic":0.8,"urgency":0.7,"sentiment":0.9,"sarcasm":0.9,"risk":0.95,"severity":0.6,"language":0.99}',
			        'classify/v1', 'h', 'local', 'local', 1, 0, 0, 0
			 FROM items WHERE external_id LIKE 'seed-%'`,
			`INSERT INTO drafts (item_id, body, extractive, backend, model)
			 SELECT id, 'Sorry about that: updating to 5.2.1 fixes sync.', true, 'local', 'extractive'
			 FROM items WHERE external_id LIKE 'seed-%'`,
		} {
			args := []any{}
			if strings.Contains(q, "$1") {
				args = append(args, n)
			}
			if _, err := tx.Exec(ctx, q, args...); err != nil {
				return err
			}
		}
		return nil
	}))
	_, err := pool.Exec(ctx, "ANALYZE items; ANALYZE drafts; ANALYZE classifications")
	require.NoError(tb, err)
}

func TestRolesReachTheirPages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pages := []string{"/queue", "/incidents", "/dashboard", "/evals", "/riverui/"}
	allowed := map[users.Role][]string{
		users.RoleReviewer: {"/queue", "/incidents"},
		users.RoleOps:      {"/queue", "/evals"},
		users.RoleManager:  {"/queue", "/incidents", "/dashboard"},
		users.RoleAdmin:    pages,
	}
	for _, role := range users.Roles {
		for _, p := range pages {
			resp := b.do(t, role, http.MethodGet, p, nil)
			want := http.StatusForbidden
			for _, ok := range allowed[role] {
				if ok == p {
					want = http.StatusOK
				}
			}
			require.Equal(t, want, resp.StatusCode, "%s GET %s", role, p)
		}
	}
	// Nobody signed in: pages redirect to the sign-in, forms are refused.
	resp := b.do(t, "", http.MethodGet, "/dashboard?from=2026-11-01", nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, "/login?next=%2Fdashboard%3Ffrom%3D2026-11-01", resp.Header.Get("Location"))
	require.Equal(t, http.StatusUnauthorized, b.do(t, "", http.MethodPost, "/queue/1/approve", url.Values{}).StatusCode)
	// Every page says where the UI may load things from.
	csp := b.do(t, users.RoleAdmin, http.MethodGet, "/queue", nil).Header.Get("Content-Security-Policy")
	require.Contains(t, csp, "script-src 'self'")
	require.Contains(t, csp, "frame-ancestors 'none'")
}

func TestFormsNeedTheCSRFToken(t *testing.T) {
	t.Parallel()
	b := setup(t)
	seed(t, b.pool, 2)
	var draft int64
	require.NoError(t, b.pool.QueryRow(context.Background(), "SELECT min(id) FROM drafts").Scan(&draft))
	posts := []string{"/logout", fmt.Sprintf("/queue/%d/approve", draft), fmt.Sprintf("/queue/%d/reject", draft),
		"/clusters/1/approve", "/incidents/1/reply", "/incidents/1/close"}
	admin := b.sessions[users.RoleAdmin]
	for _, p := range posts {
		for _, token := range []string{"", "forged", b.sessions[users.RoleReviewer].csrf} {
			form := url.Values{"version": {"1"}, "reason": {"r"}, "body": {"b"}}
			if token != "" {
				form.Set("csrf", token)
			}
			resp := b.do(t, users.RoleAdmin, http.MethodPost, p, form)
			require.Equal(t, http.StatusForbidden, resp.StatusCode, "POST %s with csrf %q", p, token)
		}
	}
	var state string
	require.NoError(t, b.pool.QueryRow(context.Background(), "SELECT state FROM drafts WHERE id = $1", draft).Scan(&state))
	require.Equal(t, "pending_review", state, "nothing changed")
	// With the session's own token the same form goes through.
	resp := b.do(t, users.RoleAdmin, http.MethodPost, fmt.Sprintf("/queue/%d/approve", draft), url.Values{"version": {"1"}, "csrf": {admin.csrf}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.NoError(t, b.pool.QueryRow(context.Background(), "SELECT state FROM drafts WHERE id = $1", draft).Scan(&state))
	require.Equal(t, "approved", state)
	// A stale version is a conflict, shown as such.
	resp = b.do(t, users.RoleAdmin, http.MethodPost, fmt.Sprintf("/queue/%d/reject", draft), url.Values{"version": {"1"}, "reason": {"x"}, "csrf": {admin.csrf}})
	require.Equal(t, http.StatusConflict, resp.StatusCode)
}

func TestSignIn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	page := b.do(t, "", http.MethodGet, "/login?next=/evals", nil)
	require.Equal(t, http.StatusOK, page.StatusCode)
	var loginToken string
	for _, c := range page.Cookies() {
		if c.Name == "triage_login" {
			loginToken = c.Value
		}
	}
	require.NotEmpty(t, loginToken)
	signIn := func(password, next, csrf string, https bool) *http.Response {
		form := url.Values{"name": {"ops1"}, "password": {password}, "next": {next}, "csrf": {csrf}}
		req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: "triage_login", Value: loginToken})
		if https {
			req.Header.Set("X-Forwarded-Proto", "https")
		}
		rec := httptest.NewRecorder()
		b.handler.ServeHTTP(rec, req)
		return rec.Result()
	}
	require.Equal(t, http.StatusForbidden, signIn("a long enough password", "/evals", "", false).StatusCode, "no login CSRF token")
	require.Equal(t, http.StatusForbidden, signIn("a long enough password", "/evals", "other", false).StatusCode, "wrong login CSRF token")
	resp := signIn("wrong password!!", "/evals", loginToken, false)
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	body, _ := io.ReadAll(resp.Body)
	require.Contains(t, string(body), "Wrong name or password.")

	for _, tt := range []struct{ next, want string }{
		{"/evals", "/evals"}, {"//evil.example/x", "/"}, {"https://evil.example", "/"}, {"/\\evil.example", "/"},
	} {
		resp := signIn("a long enough password", tt.next, loginToken, true)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		require.Equal(t, tt.want, resp.Header.Get("Location"), "next %q", tt.next)
		var c *http.Cookie
		for _, k := range resp.Cookies() {
			if k.Name == "triage_session" {
				c = k
			}
		}
		require.NotNil(t, c)
		require.True(t, c.HttpOnly)
		require.True(t, c.Secure, "behind TLS the session cookie is Secure")
		require.Equal(t, http.SameSiteLaxMode, c.SameSite)
	}
}

func TestPagesRender(t *testing.T) {
	t.Parallel()
	b := setup(t)
	seed(t, b.pool, 30)
	var draft int64
	require.NoError(t, b.pool.QueryRow(context.Background(), "SELECT min(id) FROM drafts").Scan(&draft))
	for _, tt := range []struct {
		path, want string
		status     int
	}{
		{"/queue", "30 waiting", 200},
		{"/queue?risk=scam", "scam", 200},
		{fmt.Sprintf("/queue/%d", draft), "Knowledge base passages", 200},
		{"/queue/999999", "not found", 404},
		{"/queue/abc", "not found", 404},
		{"/dashboard", "Volume by day and channel", 200},
		{"/dashboard?from=2026-13-01", "a date such as", 422},
		{"/incidents", "No incident", 200},
		{"/evals", "No eval run yet", 200},
		{"/evals/compare?a=1", "a run id", 422},
	} {
		resp := b.do(t, users.RoleAdmin, http.MethodGet, tt.path, nil)
		body, _ := io.ReadAll(resp.Body)
		require.Equal(t, tt.status, resp.StatusCode, tt.path)
		require.Contains(t, string(body), tt.want, tt.path)
	}
}

// BenchmarkQueuePage renders the approval queue with 10,000 drafts
// waiting (go test -run x -bench QueuePage ./internal/web): the server
// time of one page, database included.
func BenchmarkQueuePage(b *testing.B) {
	bb := setup(b)
	seed(b, bb.pool, 10_000)
	resp := bb.do(b, users.RoleReviewer, http.MethodGet, "/queue", nil)
	page, _ := io.ReadAll(resp.Body)
	require.Contains(b, string(page), "10000 waiting")
	require.Equal(b, web.QueuePageSize, strings.Count(string(page), `<tr data-href="/queue/`))
	for b.Loop() {
		resp := bb.do(b, users.RoleReviewer, http.MethodGet, "/queue", nil)
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}
