package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/httpapi"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/pipeline"
	"github.com/triage-oss/triage/internal/postgres/pgtest"
	"github.com/triage-oss/triage/internal/taxonomy"
)

type testBundle struct {
	pool *pgxpool.Pool
	srv  *httptest.Server
}

func setup(t *testing.T, ready func(context.Context) error) *testBundle {
	t.Helper()
	pool := pgtest.New(t)
	client, err := pipeline.NewClient(pool, pipeline.ClientConfig{})
	require.NoError(t, err)
	if ready == nil {
		ready = func(context.Context) error { return nil }
	}
	h := httpapi.New(httpapi.Config{
		Ingester:        pipeline.NewIngester(pool, client, pipeline.IngestConfig{}),
		Items:           items.NewStore(pool),
		Classifications: classify.NewStore(pool),
		Ready:           ready,
		MaxBodyBytes:    1 << 20,
		Logger:          slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &testBundle{pool: pool, srv: srv}
}

func (b *testBundle) do(t *testing.T, method, path, contentType, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, b.srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, resp.Header, out
}

func (b *testBundle) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n))
	return n
}

func TestIngestProblems(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	good := `{"channel":"x","external_id":"1","text":"hello"}`
	tests := []struct {
		name, contentType, body string
		status                  int
		code, field             string
	}{
		{"wrong media type", "text/plain", good, 415, "unsupported", ""},
		{"wrong charset", "application/json; charset=latin1", good, 415, "unsupported", ""},
		{"bad JSON", "application/json", `{"channel":"x",`, 400, "malformed", ""},
		{"unknown field", "application/json", `{"channel":"x","external_id":"1","text":"a","priority":1}`, 400, "malformed", "priority"},
		{"body too large", "application/json", `{"channel":"x","external_id":"1","text":"` + strings.Repeat("a", 1<<20) + `"}`, 413, "too_large", ""},
		{"too many items", "application/json", `{"items":[` + strings.TrimSuffix(strings.Repeat(`{"channel":"x","external_id":"1","text":"a"},`, 1001), ",") + `]}`, 413, "too_large", "items"},
		{"empty text", "application/json", `{"channel":"x","external_id":"1","text":""}`, 422, "invalid", "text"},
		{"unknown channel", "application/json", `{"channel":"friendster","external_id":"1","text":"a"}`, 422, "invalid", "channel"},
		{"invalid UTF-8", "application/json", "{\"channel\":\"x\",\"external_id\":\"1\",\"text\":\"\xff\xfe\"}", 422, "invalid", "text"},
		{"one bad item spoils the batch", "application/json", `{"items":[` + good + `,{"channel":"x","external_id":"2","text":"a","url":"ftp://x"}]}`, 422, "invalid", "items[1].url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, hdr, p := b.do(t, "POST", "/v1/items", tt.contentType, tt.body)
			require.Equal(t, tt.status, status, "%v", p)
			require.Equal(t, "application/problem+json", hdr.Get("Content-Type"))
			require.Equal(t, tt.code, p["code"])
			require.EqualValues(t, tt.status, p["status"])
			require.NotEmpty(t, p["detail"])
			if tt.field != "" {
				var fields []string
				for _, e := range p["errors"].([]any) {
					fields = append(fields, e.(map[string]any)["field"].(string))
				}
				require.Contains(t, fields, tt.field)
			}
		})
	}
	// Runs once every parallel case above has finished: no failed request
	// left anything behind.
	t.Cleanup(func() {
		require.Equal(t, 0, b.count(t, "items"))
		require.Equal(t, 0, b.count(t, "river_job"))
	})
}

func TestIngestAndGet(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	body := `{"channel":"reddit","external_id":"t3_abc","author":"u/jo","text":"Sync broke after 5.2","url":"https://reddit.com/r/x/t3_abc","created_at":"2026-11-20T09:00:00Z","thread_id":"t3_abc","metadata":{"subreddit":"lumenapp"}}`
	status, hdr, res := b.do(t, "POST", "/v1/items", "application/json", body)
	require.Equal(t, http.StatusAccepted, status)
	require.Equal(t, true, res["created"])
	id := int64(res["id"].(float64))
	require.Equal(t, "/v1/items/"+itoa(id), hdr.Get("Location"))

	// Redelivery returns the same item and stores nothing new.
	status, _, res = b.do(t, "POST", "/v1/items", "application/json", body)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, false, res["created"])
	require.EqualValues(t, id, res["id"])
	require.Equal(t, 1, b.count(t, "items"))
	require.Equal(t, 1, b.count(t, "river_job"))

	status, _, got := b.do(t, "GET", "/v1/items/"+itoa(id), "", "")
	require.Equal(t, http.StatusOK, status)
	item := got["item"].(map[string]any)
	require.Equal(t, "Sync broke after 5.2", item["text"])
	require.Equal(t, "received", item["state"])
	require.Equal(t, map[string]any{"subreddit": "lumenapp"}, item["metadata"])
	require.Nil(t, got["classification"])
	history := got["history"].([]any)
	require.Len(t, history, 1)
	require.Equal(t, "received", history[0].(map[string]any)["to"])
	require.Equal(t, "api", history[0].(map[string]any)["actor"])

	// Once classified, the item shows its labels and full history.
	ctx := context.Background()
	_, err := classify.NewStore(b.pool).Insert(ctx, id, classify.Result{Labels: sampleLabels(), PromptVersion: "classify/v1", Backend: "openai", Model: "m", Calls: 1})
	require.NoError(t, err)
	require.NoError(t, items.NewStore(b.pool).Transition(ctx, id, items.Change{From: items.StateReceived, To: items.StateClassified, Actor: "worker", At: time.Now()}))
	_, _, got = b.do(t, "GET", "/v1/items/"+itoa(id), "", "")
	require.Equal(t, "support_issue", got["classification"].(map[string]any)["intent"])
	require.Equal(t, "classified", got["item"].(map[string]any)["state"])
	require.Len(t, got["history"].([]any), 2)

	for _, path := range []string{"/v1/items/999999", "/v1/items/abc", "/v1/items/-1"} {
		status, _, p := b.do(t, "GET", path, "", "")
		require.Equal(t, http.StatusNotFound, status, path)
		require.Equal(t, "not_found", p["code"])
	}
}

func TestBatchResponse(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	first := `{"items":[{"channel":"x","external_id":"1","text":"a"},{"channel":"x","external_id":"2","text":"b"}]}`
	status, _, res := b.do(t, "POST", "/v1/items", "application/json", first)
	require.Equal(t, http.StatusAccepted, status)
	require.EqualValues(t, 2, res["created"])
	second := `{"items":[{"channel":"x","external_id":"2","text":"b"},{"channel":"x","external_id":"3","text":"c"},{"channel":"x","external_id":"3","text":"c"}]}`
	status, _, res = b.do(t, "POST", "/v1/items", "application/json", second)
	require.Equal(t, http.StatusAccepted, status)
	require.EqualValues(t, 1, res["created"])
	require.EqualValues(t, 2, res["existing"], "the repeat within the batch is reported as existing")
	list := res["items"].([]any)
	require.Equal(t, list[1].(map[string]any)["id"], list[2].(map[string]any)["id"])
	require.Equal(t, 3, b.count(t, "items"))
	require.Equal(t, 3, b.count(t, "river_job"), "one job per item, none for repeats")
}

func TestHealth(t *testing.T) {
	t.Parallel()
	b := setup(t, func(context.Context) error { return errors.New("database schema is behind") })
	status, _, body := b.do(t, "GET", "/healthz", "", "")
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "ok", body["status"])
	status, hdr, body := b.do(t, "GET", "/readyz", "", "")
	require.Equal(t, http.StatusServiceUnavailable, status)
	require.Equal(t, "5", hdr.Get("Retry-After"))
	require.Contains(t, body["error"], "behind")
}

func sampleLabels() taxonomy.Classification {
	c := taxonomy.Classification{Intent: taxonomy.IntentSupportIssue, Topic: "bug", Urgency: taxonomy.UrgencyHigh,
		Sentiment: taxonomy.SentimentNegative, Risk: taxonomy.RiskNone, Severity: taxonomy.SeverityLow, Language: "en",
		Summary: "Sync fails after the 5.2 update."}
	for _, f := range taxonomy.Fields {
		c.Confidence.Set(f, 0.8)
	}
	return c
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
