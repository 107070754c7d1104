package app_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/llm/llmtest"
	"github.com/triage-oss/triage/internal/tokens"
)

// Every API route with every token scope, no token, a forged token and a
// revoked one: public and signed routes take no token; every other route
// answers 401 without a valid token, 403 to a scope it does not allow, and
// serves the scopes it allows (and admin). Each allowed change is audited
// under the token's name.
func TestRoutesByScope(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{backend: llm.BackendOpenAI, handler: llmtest.Classifier()})
	ctx := context.Background()
	store := tokens.NewStore(b.pool)
	secrets := map[tokens.Scope]string{}
	for _, s := range tokens.Scopes {
		secret, _, err := store.Create(ctx, "scope-"+string(s), []tokens.Scope{s}, 1_000_000, "test")
		require.NoError(t, err)
		secrets[s] = secret
	}
	revoked, _, err := store.Create(ctx, "revoked", []tokens.Scope{tokens.ScopeAdmin}, 1_000_000, "test")
	require.NoError(t, err)
	require.NoError(t, store.Revoke(ctx, "revoked"))

	do := func(method, path, secret string) int {
		req, err := http.NewRequest(method, b.api.URL+path, strings.NewReader(`{}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set("Authorization", "Bearer "+secret)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	require.NotEmpty(t, b.routes)
	audited := 0
	for _, r := range b.routes {
		method, path, _ := strings.Cut(r.Pattern, " ")
		path = strings.NewReplacer("{id}", "1", "{item}", "1", "{name}", "webhook").Replace(path)
		if r.Access.Public || r.Access.Signed {
			require.NotEqual(t, http.StatusUnauthorized, do(method, path, ""), "%s needs no token", r.Pattern)
			continue
		}
		require.Equal(t, http.StatusUnauthorized, do(method, path, ""), "%s without a token", r.Pattern)
		require.Equal(t, http.StatusUnauthorized, do(method, path, "trg_"+strings.Repeat("x", 43)), "%s with a forged token", r.Pattern)
		require.Equal(t, http.StatusUnauthorized, do(method, path, revoked), "%s with a revoked token", r.Pattern)
		for _, s := range tokens.Scopes {
			got := do(method, path, secrets[s])
			if s == tokens.ScopeAdmin || slices.Contains(r.Access.Scopes, s) {
				require.NotContains(t, []int{401, 403}, got, "%s with scope %s", r.Pattern, s)
				if method != http.MethodGet {
					audited++
				}
				continue
			}
			require.Equal(t, http.StatusForbidden, got, "%s with scope %s", r.Pattern, s)
		}
	}
	require.Equal(t, audited, count(t, b.pool, "SELECT count(*) FROM audit_log WHERE actor LIKE 'token:scope-%'"),
		"every allowed change is in the audit log")
	require.Positive(t, count(t, b.pool, "SELECT count(*) FROM audit_log WHERE actor = 'token:scope-reviewer' AND action = 'POST /v1/drafts/{id}/approve'"))
	require.Zero(t, count(t, b.pool, "SELECT count(*) FROM audit_log WHERE status IN (401, 403)"), "refused requests did nothing to audit")
}

// A token over its rate gets 429 with Retry-After; other tokens are not
// affected.
func TestTokenRateLimit(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{backend: llm.BackendOpenAI, handler: llmtest.Classifier()})
	store := tokens.NewStore(b.pool)
	slow, _, err := store.Create(context.Background(), "slow", []tokens.Scope{tokens.ScopeReviewer}, 60, "test")
	require.NoError(t, err)
	get := func(secret string) *http.Response {
		req, err := http.NewRequest(http.MethodGet, b.api.URL+"/v1/drafts", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp
	}
	for i := range 10 { // the burst: a tenth of a minute's budget, at least 10
		require.Equal(t, http.StatusOK, get(slow).StatusCode, "request %d", i)
	}
	resp := get(slow)
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	require.NotEmpty(t, resp.Header.Get("Retry-After"))
	resp, err = authedGet(b.api.URL + "/v1/drafts")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "another token still gets through")
}
