package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/llm/llmtest"
)

// callInto sends body as JSON and decodes the JSON answer into out (when
// out is not nil), returning the status.
func callInto(t *testing.T, method, url string, body any, out any) int {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, r)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(withToken(req))
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if out != nil {
		require.NoError(t, json.Unmarshal(data, out), string(data))
	}
	return resp.StatusCode
}

// The operations API end to end: a surge becomes an incident, answered and
// closed as one; auto-closed items are sampled for QA and the verdicts
// show as the audited precision; the metrics report and /metrics count
// what happened.
func TestOperationsAPI(t *testing.T) {
	t.Parallel()
	rules := filepath.Join(t.TempDir(), "rules.yaml")
	require.NoError(t, os.WriteFile(rules, []byte(`
teams: {support: {}, engineering: {}, community: {}}
priorities: {p1: 1h, p2: 4h, p3: 1d}
rules:
  - name: support
    when: {intent: support_issue}
    team: engineering
    priority: p1
default: {team: community, priority: p3}
auto_close:
  - name: chatter
    when: {intent: [noise, engagement]}
    min_confidence: 0.5
qa_sample: 1
`), 0o600))
	outbox := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(outbox.Close)
	b := setup(t, setupOpts{backend: llm.BackendOpenAI, handler: llmtest.Classifier(),
		nearDuplicates: config.Default().NearDupThreshold, rules: rules, sendURL: outbox.URL})
	n := 0
	dup := func() map[string]any {
		n++
		return map[string]any{"channel": "x", "external_id": fmt.Sprintf("s-%d", n), "author": fmt.Sprintf("@u%d", n), "text": nearDuplicate(n)}
	}
	postAny(t, b.api.URL, []any{dup()})
	waitSettled(t, b.pool, 1)
	var batch []any
	for range 11 {
		batch = append(batch, dup())
	}
	batch = append(batch,
		map[string]any{"channel": "discord", "external_id": "c1", "text": "anyone watching the game tonight? lol"},
		map[string]any{"channel": "discord", "external_id": "c2", "text": "love the new albums, thank you team!"},
		map[string]any{"channel": "email", "external_id": "b1", "text": "I was charged twice this month, please refund one"})
	postAny(t, b.api.URL, batch)
	waitSettled(t, b.pool, 15)

	// A reviewer closes an item that needs no reply: its draft leaves the
	// queue. Only open items can be closed.
	var billing, chatter int64
	require.NoError(t, b.pool.QueryRow(context.Background(), `SELECT
		(SELECT id FROM items WHERE external_id = 'b1'), (SELECT id FROM items WHERE external_id = 'c1')`).Scan(&billing, &chatter))
	require.Eventually(t, func() bool {
		return count(t, b.pool, "SELECT count(*) FROM drafts WHERE item_id = $1 AND state = 'pending_review'", billing) == 1
	}, 10*time.Second, 20*time.Millisecond)
	closeURL := func(id int64) string { return fmt.Sprintf("%s/v1/items/%d/close", b.api.URL, id) }
	require.Equal(t, http.StatusUnprocessableEntity, callInto(t, "POST", closeURL(billing), map[string]any{"reviewer": "maya"}, nil))
	var closedItem struct{ State string }
	require.Equal(t, http.StatusOK, callInto(t, "POST", closeURL(billing), map[string]any{"reviewer": "maya", "reason": "refunded by phone"}, &closedItem))
	require.Equal(t, "closed", closedItem.State)
	require.Equal(t, 1, count(t, b.pool, "SELECT count(*) FROM drafts WHERE item_id = $1 AND state = 'rejected'", billing))
	require.Equal(t, http.StatusConflict, callInto(t, "POST", closeURL(billing), map[string]any{"reviewer": "maya", "reason": "again"}, nil))
	require.Equal(t, http.StatusConflict, callInto(t, "POST", closeURL(chatter), map[string]any{"reviewer": "maya", "reason": "x"}, nil),
		"auto-closed already")

	// The incident.
	var list struct {
		Incidents []struct {
			ID       int64  `json:"id"`
			Team     string `json:"team"`
			Priority string `json:"priority"`
			Size     int    `json:"size"`
		} `json:"incidents"`
	}
	require.Equal(t, http.StatusOK, callInto(t, "GET", b.api.URL+"/v1/incidents?state=open", nil, &list))
	require.Len(t, list.Incidents, 1)
	inc := list.Incidents[0]
	require.Equal(t, "engineering", inc.Team, "the incident is owned by its first item's team")
	// Similarity is not transitive: a variant may sit closer to another
	// variant than to the cluster; most join.
	require.GreaterOrEqual(t, inc.Size, 10)
	var one struct {
		Members []struct {
			ItemID int64 `json:"item_id"`
		} `json:"members"`
	}
	require.Equal(t, http.StatusOK, callInto(t, "GET", fmt.Sprintf("%s/v1/incidents/%d", b.api.URL, inc.ID), nil, &one))
	require.Len(t, one.Members, inc.Size)
	require.Equal(t, http.StatusNotFound, callInto(t, "GET", b.api.URL+"/v1/incidents/abc", nil, nil))
	require.Equal(t, http.StatusUnprocessableEntity, callInto(t, "GET", b.api.URL+"/v1/incidents?state=maybe", nil, nil))

	var replied struct{ Replied int }
	require.Equal(t, http.StatusOK, callInto(t, "POST", fmt.Sprintf("%s/v1/incidents/%d/reply", b.api.URL, inc.ID),
		map[string]any{"body": "We know, sync is being fixed; updates on the status page.", "reviewer": "maya"}, &replied))
	require.Equal(t, inc.Size, replied.Replied)
	require.Equal(t, inc.Size, count(t, b.pool, `SELECT count(*) FROM items i JOIN incidents n ON n.cluster_id = i.cluster_id
		WHERE i.state IN ('approved', 'replied')`), "approved, then sent")
	require.Equal(t, http.StatusUnprocessableEntity, callInto(t, "POST", fmt.Sprintf("%s/v1/incidents/%d/close", b.api.URL, inc.ID),
		map[string]any{"reviewer": "maya"}, nil), "a close needs a reason")
	var closed struct{ Closed int }
	require.Equal(t, http.StatusOK, callInto(t, "POST", fmt.Sprintf("%s/v1/incidents/%d/close", b.api.URL, inc.ID),
		map[string]any{"reviewer": "maya", "reason": "fixed in 5.2.1"}, &closed))
	require.Zero(t, closed.Closed, "every member was answered already")
	require.Equal(t, http.StatusConflict, callInto(t, "POST", fmt.Sprintf("%s/v1/incidents/%d/close", b.api.URL, inc.ID),
		map[string]any{"reviewer": "maya", "reason": "again"}, nil))

	// QA of auto-closed chatter.
	var qa struct {
		Samples []struct {
			ItemID int64 `json:"item_id"`
		} `json:"samples"`
	}
	require.Equal(t, http.StatusOK, callInto(t, "GET", b.api.URL+"/v1/qa", nil, &qa))
	require.Len(t, qa.Samples, 2, "qa_sample 1: both auto-closed items")
	var judged struct {
		Audit struct {
			Precision *float64 `json:"precision"`
		} `json:"audit"`
	}
	require.Equal(t, http.StatusOK, callInto(t, "POST", fmt.Sprintf("%s/v1/qa/%d/verdict", b.api.URL, qa.Samples[0].ItemID),
		map[string]any{"verdict": "correct", "reviewer": "sam"}, &judged))
	require.Equal(t, http.StatusOK, callInto(t, "POST", fmt.Sprintf("%s/v1/qa/%d/verdict", b.api.URL, qa.Samples[1].ItemID),
		map[string]any{"verdict": "incorrect", "reviewer": "sam"}, &judged))
	require.InDelta(t, 0.5, *judged.Audit.Precision, 1e-9)
	require.Equal(t, http.StatusConflict, callInto(t, "POST", fmt.Sprintf("%s/v1/qa/%d/verdict", b.api.URL, qa.Samples[1].ItemID),
		map[string]any{"verdict": "correct", "reviewer": "sam"}, nil), "one verdict per sample")
	require.Equal(t, http.StatusUnprocessableEntity, callInto(t, "POST", fmt.Sprintf("%s/v1/qa/%d/verdict", b.api.URL, qa.Samples[1].ItemID),
		map[string]any{"verdict": "maybe", "reviewer": "sam"}, nil))

	// The managers' report and Prometheus.
	var rep struct {
		Total struct {
			Volume           int      `json:"volume"`
			AutoClosed       int      `json:"auto_closed"`
			AutoClosureRate  *float64 `json:"auto_closure_rate"`
			AuditedPrecision *float64 `json:"audited_precision"`
		} `json:"total"`
		Rows []struct {
			Key    string `json:"key"`
			Volume int    `json:"volume"`
		} `json:"rows"`
	}
	today := time.Now().UTC().Format(time.DateOnly)
	require.Equal(t, http.StatusOK, callInto(t, "GET", b.api.URL+"/v1/metrics?group=channel&from="+today, nil, &rep))
	require.Equal(t, 15, rep.Total.Volume)
	require.Equal(t, 2, rep.Total.AutoClosed)
	require.InDelta(t, 2.0/15, *rep.Total.AutoClosureRate, 1e-9)
	require.InDelta(t, 0.5, *rep.Total.AuditedPrecision, 1e-9)
	require.Len(t, rep.Rows, 3)
	require.Equal(t, http.StatusUnprocessableEntity, callInto(t, "GET", b.api.URL+"/v1/metrics?group=week&from=yesterday", nil, nil))

	resp, err := authedGet(b.api.URL + "/metrics")
	require.NoError(t, err)
	prom, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, string(prom), fmt.Sprintf(`triage_item_transitions_total{channel="x",state="approved"} %d`, inc.Size))
	require.Contains(t, string(prom), `triage_autoclose_qa_precision 0.5`)
	require.True(t, strings.Contains(string(prom), "go_goroutines"))
}
