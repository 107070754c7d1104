package app_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/llm/llmtest"
)

func call(t *testing.T, method, url string, body any) (int, map[string]any) {
	t.Helper()
	var out map[string]any
	return callInto(t, method, url, body, &out), out
}

// A reviewer works the queue through the API: nothing is sent until a
// draft is approved, a stale version is refused, and the approved reply
// reaches the outbound webhook once.
func TestReviewThroughAPI(t *testing.T) {
	t.Parallel()
	var received atomic.Int32
	outbox := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Triage-Signature") != "" {
			received.Add(1)
		}
	}))
	t.Cleanup(outbox.Close)
	b := setup(t, setupOpts{backend: llm.BackendOpenAI, handler: llmtest.Classifier(), sendURL: outbox.URL})
	items := makeItems("r", 6, func(i int) string { return fmt.Sprintf("I was charged twice this month, refund please (order %d)", i) })
	status, _ := post(t, b.api.URL, items)
	require.Equal(t, http.StatusAccepted, status)
	waitSettled(t, b.pool, 6)

	status, queue := call(t, "GET", b.api.URL+"/v1/drafts?channel=x", nil)
	require.Equal(t, http.StatusOK, status)
	entries := queue["drafts"].([]any)
	require.NotEmpty(t, entries)
	for _, e := range entries {
		require.Equal(t, "x", e.(map[string]any)["channel"], "the channel filter holds")
	}
	status, queue = call(t, "GET", b.api.URL+"/v1/drafts", nil)
	require.Equal(t, http.StatusOK, status)
	require.Len(t, queue["drafts"].([]any), 6)
	first := queue["drafts"].([]any)[0].(map[string]any)
	id, version := int(first["draft_id"].(float64)), int(first["version"].(float64))

	status, got := call(t, "GET", fmt.Sprintf("%s/v1/drafts/%d", b.api.URL, id), nil)
	require.Equal(t, http.StatusOK, status)
	draft := got["draft"].(map[string]any)
	require.NotEmpty(t, draft["passages"], "the reviewer sees the passages")
	require.Equal(t, "billing", got["classification"].(map[string]any)["topic"])
	require.Zero(t, received.Load(), "nothing is sent before approval")

	status, p := call(t, "POST", fmt.Sprintf("%s/v1/drafts/%d/reject", b.api.URL, id), map[string]any{"version": version, "reviewer": "ana"})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Equal(t, "reason", p["errors"].([]any)[0].(map[string]any)["field"])

	status, _ = call(t, "POST", fmt.Sprintf("%s/v1/drafts/%d/approve", b.api.URL, id), map[string]any{"version": version, "reviewer": "ana"})
	require.Equal(t, http.StatusOK, status)
	status, p = call(t, "POST", fmt.Sprintf("%s/v1/drafts/%d/approve", b.api.URL, id), map[string]any{"version": version, "reviewer": "ben"})
	require.Equal(t, http.StatusConflict, status, "a second approval of the same version is refused")
	require.Equal(t, "conflict", p["code"])

	require.Eventually(t, func() bool {
		_, got := call(t, "GET", fmt.Sprintf("%s/v1/drafts/%d", b.api.URL, id), nil)
		return got["draft"].(map[string]any)["state"] == "sent"
	}, 10*time.Second, 20*time.Millisecond)
	require.EqualValues(t, 1, received.Load())
	itemID := int(first["item_id"].(float64))
	_, item := call(t, "GET", fmt.Sprintf("%s/v1/items/%d", b.api.URL, itemID), nil)
	require.Equal(t, "replied", item["item"].(map[string]any)["state"])
	require.Equal(t, "sent", item["draft"].(map[string]any)["state"])

	// Bulk approval: each draft on its own; a stale version fails alone.
	rest := queue["drafts"].([]any)[1:]
	var batch []map[string]any
	for i, e := range rest {
		m := e.(map[string]any)
		v := int(m["version"].(float64))
		if i == 0 {
			v++ // stale
		}
		batch = append(batch, map[string]any{"id": m["draft_id"], "version": v})
	}
	status, res := call(t, "POST", b.api.URL+"/v1/drafts/bulk-approve", map[string]any{"reviewer": "ana", "drafts": batch})
	require.Equal(t, http.StatusOK, status)
	results := res["results"].([]any)
	require.Equal(t, "conflict", results[0].(map[string]any)["error"].(map[string]any)["code"])
	for _, r := range results[1:] {
		require.Equal(t, "approved", r.(map[string]any)["state"])
	}
	require.Eventually(t, func() bool { return received.Load() == int32(len(rest)) }, 10*time.Second, 20*time.Millisecond)
}
