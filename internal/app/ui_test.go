package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/llm/llmtest"
	"github.com/triage-oss/triage/internal/users"
)

// chromium finds Debian's Chromium (installed by `make setup`).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium on PATH: run `make setup` (internal/web/install-chromium.sh)")
	return ""
}

// browser starts a headless Chromium with its own profile.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)), chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(1280, 1000), chromedp.UserDataDir(t.TempDir()))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The first run starts the browser, which lives as long as ctx: no
	// timeout on it; later steps get one.
	require.NoError(t, chromedp.Do(ctx))
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// shoot writes a full-page screenshot of the current page as a test
// artifact (go test -artifacts keeps them).
func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(t.ArtifactDir(), name+".png"), png, 0o644))
}

func signIn(t *testing.T, ctx context.Context, base, name, password, want string) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(base+want),
		chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), name),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
		chromedp.Submit(chromedp.CSS(`input[name=password]`)),
		chromedp.WaitVisible(chromedp.CSS(`header nav`)),
	))
}

// path returns the current page's path.
func path(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	require.NoError(t, err)
	u, err := url.Parse(loc)
	require.NoError(t, err)
	return u.Path
}

// waitLeave waits until the browser shows another page than from. The
// page is navigating meanwhile, so a failed look is tried again.
func waitLeave(t *testing.T, ctx context.Context, from string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if u, perr := url.Parse(loc); err == nil && perr == nil && u.Path != from {
			require.NoError(t, chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(`main`))))
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the browser stayed on %s", from)
}

// A reviewer works the queue from the keyboard in a real browser: approves
// one draft as written, edits and approves another, rejects a third with a
// reason; the database has exactly that. A reviewer cannot open the admin
// or manager pages, and a form posted without its CSRF token is refused.
func TestBrowserReview(t *testing.T) {
	t.Parallel()
	outbox := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(outbox.Close)
	b := setup(t, setupOpts{backend: llm.BackendOpenAI, handler: llmtest.Classifier(), sendURL: outbox.URL})
	ctx := context.Background()
	accounts := users.NewStore(b.pool)
	_, err := accounts.Create(ctx, "rita", "correct horse battery", users.RoleReviewer)
	require.NoError(t, err)
	_, err = accounts.Create(ctx, "ada", "lovelace analytical engine", users.RoleAdmin)
	require.NoError(t, err)

	var batch []any
	for i, text := range []string{
		"the app is not working since the update, error 500 on login page",
		"sync is broken on my phone, photos do not upload",
		"export to PDF is not working, it crashes every time",
	} {
		batch = append(batch, map[string]any{"channel": "email", "external_id": fmt.Sprintf("ui-%d", i), "author": fmt.Sprintf("user%d@example.com", i), "text": text})
	}
	postAny(t, b.api.URL, batch)
	require.Eventually(t, func() bool {
		return count(t, b.pool, "SELECT count(*) FROM drafts WHERE state = 'pending_review'") == 3
	}, 20*time.Second, 50*time.Millisecond, "three drafts wait for review")

	br := browser(t)
	signIn(t, br, b.api.URL, "rita", "correct horse battery", "/queue")
	require.Equal(t, "/queue", path(t, br), "signed in, back where she was going")
	rows, err := chromedp.Run(br, chromedp.Evaluate[int](`document.querySelectorAll("table.queue tbody tr").length`))
	require.NoError(t, err)
	require.Equal(t, 3, rows)
	shoot(t, br, "queue")

	// Enter opens the selected (first) draft; a approves it as written.
	require.NoError(t, chromedp.Do(br, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.ID(`approve`))))
	first := path(t, br)
	shoot(t, br, "draft")
	require.NoError(t, chromedp.Do(br, chromedp.KeyEvent("a")))
	waitLeave(t, br, first)

	// The next draft: e edits, Esc leaves the editor, a approves the edit.
	require.NoError(t, chromedp.Do(br, chromedp.WaitVisible(chromedp.ID(`approve`))))
	second := path(t, br)
	require.NotEqual(t, first, second)
	require.NoError(t, chromedp.Do(br,
		chromedp.KeyEvent("e"),
		chromedp.KeyEvent(" We are sorry for the trouble."),
		chromedp.KeyEvent(kb.Escape),
		chromedp.KeyEvent("a"),
	))
	waitLeave(t, br, second)

	// The last: r goes to the reason, Enter rejects.
	require.NoError(t, chromedp.Do(br, chromedp.WaitVisible(chromedp.ID(`reject`))))
	third := path(t, br)
	require.NoError(t, chromedp.Do(br, chromedp.KeyEvent("r"), chromedp.KeyEvent("answered by phone already"+kb.Enter)))
	waitLeave(t, br, third)
	shoot(t, br, "queue-empty")

	// What the reviewer did, as the audit trail has it (approved drafts
	// then go on to be sent).
	review := func(p string) (action, final, reason, actor string) {
		t.Helper()
		require.NoError(t, b.pool.QueryRow(ctx, `SELECT e.action, coalesce(d.final_body, ''), d.reject_reason, e.actor
			FROM drafts d JOIN draft_events e ON e.draft_id = d.id AND e.action IN ('approved', 'edited', 'rejected')
			WHERE d.id = $1`, strings.TrimPrefix(p, "/queue/")).Scan(&action, &final, &reason, &actor))
		return
	}
	action, final, _, actor := review(first)
	require.Equal(t, []string{"approved", draftReplyBody(), "rita"}, []string{action, final, actor}, "approved as written")
	action, final, _, _ = review(second)
	require.Equal(t, []string{"edited", draftReplyBody() + " We are sorry for the trouble."}, []string{action, final})
	action, _, reason, _ := review(third)
	require.Equal(t, []string{"rejected", "answered by phone already"}, []string{action, reason})
	require.Eventually(t, func() bool {
		return count(t, b.pool, "SELECT count(*) FROM drafts WHERE state = 'sent'") == 2
	}, 10*time.Second, 20*time.Millisecond, "the two approved replies are sent, the rejected one is not")
	require.Zero(t, count(t, b.pool, "SELECT count(*) FROM drafts WHERE state = 'pending_review'"))

	// A reviewer cannot reach the admin (River UI) or manager pages.
	for _, p := range []string{"/riverui/", "/dashboard", "/evals"} {
		require.NoError(t, chromedp.Do(br, chromedp.Navigate(b.api.URL+p)))
		text, err := chromedp.Run(br, chromedp.Text(chromedp.CSS(`main`)))
		require.NoError(t, err)
		require.Contains(t, text, "Not allowed", p)
	}
	navText, err := chromedp.Run(br, chromedp.Text(chromedp.CSS(`header nav`)))
	require.NoError(t, err)
	require.NotContains(t, navText, "Jobs")
	require.NotContains(t, navText, "Dashboard")

	// With her session cookie, a form without the CSRF token (or with a
	// wrong one) is refused, and changes nothing.
	got, err := chromedp.Call(br, network.GetCookies, network.GetCookiesParams{})
	require.NoError(t, err)
	var session string
	for _, c := range got.Cookies {
		if c.Name == "triage_session" {
			session = c.Value
			require.True(t, c.HTTPOnly, "the session cookie is HttpOnly")
			require.Equal(t, network.CookieSameSiteLax, c.SameSite)
		}
	}
	require.NotEmpty(t, session)
	for _, form := range []url.Values{{"version": {"1"}}, {"version": {"1"}, "csrf": {"forged"}}} {
		req, err := http.NewRequest(http.MethodPost, b.api.URL+"/logout", strings.NewReader(form.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: "triage_session", Value: session})
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
	}
	_, err = accounts.Session(ctx, session)
	require.NoError(t, err, "the forged sign-out did not end the session")

	// An admin sees every page.
	require.NoError(t, chromedp.Do(br, chromedp.Click(chromedp.CSS(`header .logout button`)), chromedp.WaitVisible(chromedp.CSS(`input[name=name]`))))
	signIn(t, br, b.api.URL, "ada", "lovelace analytical engine", "/dashboard")
	require.NoError(t, chromedp.Do(br, chromedp.WaitVisible(chromedp.CSS(`svg.chart`))))
	shoot(t, br, "dashboard")
	for _, p := range []struct{ path, sel, name string }{
		{"/incidents", "main h1", "incidents"},
		{"/evals", "main h1", "evals"},
		{"/riverui/", "body", "riverui"},
	} {
		require.NoError(t, chromedp.Do(br, chromedp.Navigate(b.api.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.sel))))
		title, err := chromedp.Run(br, chromedp.Title())
		require.NoError(t, err)
		require.NotContains(t, title, "Not allowed", p.path)
		shoot(t, br, p.name)
	}
}

// draftReplyBody is the reply the fake model drafts (draftReply's).
func draftReplyBody() string {
	return "Hi! Signing out and back in usually fixes this; the article has the steps."
}
