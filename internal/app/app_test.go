package app_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/app"
	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/demo"
	"github.com/triage-oss/triage/internal/httpapi"
	"github.com/triage-oss/triage/internal/kb"
	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/llm/llmtest"
	"github.com/triage-oss/triage/internal/postgres/pgtest"
	"github.com/triage-oss/triage/internal/tokens"
)

// fastRetry retries failed jobs after 50ms instead of River's attempt⁴ seconds.
type fastRetry struct{}

func (fastRetry) NextRetry(*rivertype.JobRow) time.Time { return time.Now().Add(50 * time.Millisecond) }

type testBundle struct {
	pool   *pgxpool.Pool
	api    *httptest.Server
	routes []httpapi.Route
	model  *llmtest.Server
	cancel context.CancelFunc
	done   chan error
}

type setupOpts struct {
	backend     string
	handler     llmtest.Handler
	maxAttempts int
	llmTimeout  time.Duration
	// prefilter is the local prefilter's threshold; 0 disables it, so that
	// every item reaches the fake model.
	prefilter float64
	// sendURL receives approved replies.
	sendURL string
	// nearDuplicates is the similarity from which an item inherits a
	// recent near-duplicate's classification; 0 disables it, so that
	// every item reaches the fake model.
	nearDuplicates float64
	// rules is a routing rules file; empty: the built-in rules.
	rules string
	// channels holds the channel webhooks' secrets.
	channels config.ChannelSecrets
}

// setup runs the real API and worker against a fresh schema and a fake
// model server speaking the backend's wire protocol.
func setup(t testing.TB, o setupOpts) *testBundle {
	t.Helper()
	schema := pgtest.NewSchema(t)
	cfg := config.Default()
	cfg.DatabaseURL = schema.URL
	cfg.Backend = o.backend
	cfg.MaxAttempts = max(o.maxAttempts, 3)
	cfg.LLMTimeout = cmp.Or(o.llmTimeout, 5*time.Second)
	cfg.LogLevel = "warn"
	cfg.PrefilterThreshold = 2 // above 1: never closes
	cfg.NearDupThreshold = cmp.Or(o.nearDuplicates, 2)
	cfg.RoutingRules = o.rules
	cfg.Channels = o.channels
	cfg.SendWebhookURL, cfg.SendWebhookSecret = o.sendURL, "s3cret"
	if o.prefilter > 0 {
		cfg.PrefilterThreshold = o.prefilter
	}
	b := &testBundle{done: make(chan error, 1)}
	handler := withDrafts(o.handler)
	switch o.backend {
	case llm.BackendOpenAI:
		b.model = llmtest.NewOpenAI(t, handler)
		cfg.OpenAIBaseURL, cfg.OpenAIModel, cfg.OpenAIAPIKey = b.model.BaseURL(), "gpt-test", "sk-test"
	case llm.BackendOllama:
		b.model = llmtest.NewOllama(t, handler)
		cfg.OllamaHost, cfg.OllamaModel = b.model.BaseURL(), "llama-test"
	}
	require.NoError(t, cfg.Validate(config.Need{Server: true, Backend: true}))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()

	api, err := app.NewAPI(ctx, cfg, log)
	require.NoError(t, err)
	t.Cleanup(api.Close)
	// The sample knowledge base, for drafts to cite.
	articles, err := demo.KB()
	require.NoError(t, err)
	store := kb.NewStore(api.Pool)
	_, err = store.Import(ctx, "demo", articles)
	require.NoError(t, err)
	embedder, err := app.NewEmbedder(ctx, cfg, log)
	require.NoError(t, err)
	_, err = store.EmbedMissing(ctx, embedder)
	require.NoError(t, err)
	b.api = httptest.NewServer(api.Handler)
	t.Cleanup(b.api.Close)
	b.routes = api.Routes()
	// Every API call of these tests is made with an admin token.
	secret, _, err := tokens.NewStore(api.Pool).Create(ctx, "tests", []tokens.Scope{tokens.ScopeAdmin}, 1_000_000, "test")
	require.NoError(t, err)
	apiTokens.Store(b.api.URL, secret)
	b.pool = api.Pool

	worker, err := app.NewWorker(ctx, cfg, log, app.WorkerOptions{RetryPolicy: fastRetry{}, TestOnly: true})
	require.NoError(t, err)
	runCtx, cancel := context.WithCancel(ctx)
	b.cancel = cancel
	go func() { b.done <- worker.Run(runCtx) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-b.done)
		worker.Close()
	})
	return b
}

// draftReply is the fake model's answer to every draft request.
const draftReply = `{"reply":"Hi! Signing out and back in usually fixes this; the article has the steps.","citations":[1]}`

// withDrafts answers draft requests with draftReply and passes every
// classification request to h: the faults these tests inject are the
// classifier's.
func withDrafts(h llmtest.Handler) llmtest.Handler {
	return func(ctx context.Context, c llmtest.Call) llmtest.Reply {
		if isDraft(c) {
			return llmtest.Reply{Content: draftReply}
		}
		return h(ctx, c)
	}
}

func isDraft(c llmtest.Call) bool {
	return c.SchemaName == "triage_draft" || bytes.Contains(c.Schema, []byte(`"citations"`))
}

// classifyCalls counts the classification requests the fake model got.
func (b *testBundle) classifyCalls() int {
	n := 0
	for _, c := range b.model.Calls() {
		if !isDraft(c) {
			n++
		}
	}
	return n
}

func makeItems(prefix string, n int, text func(i int) string) []map[string]any {
	out := make([]map[string]any, n)
	for i := range out {
		out[i] = map[string]any{
			"channel":     []string{"x", "discord", "reddit", "forum", "email", "telegram"}[i%6],
			"external_id": fmt.Sprintf("%s-%d", prefix, i),
			"author":      fmt.Sprintf("user%d", i%17),
			"text":        text(i),
			"created_at":  "2026-11-20T09:00:00Z",
		}
	}
	return out
}

var texts = []string{
	"my photos are not working after the update, error 500 #%d",
	"I was charged twice this month, I want a refund (order %d)",
	"please add a dark mode, it would be nice - idea %d",
	"love the new albums, thank you team! %d",
	"FREE CRYPTO giveaway, send your seed phrase to claim %d",
	"anyone watching the game tonight? %d",
}

func uniqueText(i int) string { return fmt.Sprintf(texts[i%len(texts)], i) }

type ingestResult struct {
	Created  int `json:"created"`
	Existing int `json:"existing"`
}

func post(t testing.TB, url string, batch []map[string]any) (int, ingestResult) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"items": batch})
	require.NoError(t, err)
	resp, err := authedPost(url+"/v1/items", body)
	require.NoError(t, err)
	defer resp.Body.Close()
	var res ingestResult
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&res))
	return resp.StatusCode, res
}

// waitSettled waits until n items exist, none is still waiting for triage
// and no triage or draft job is left, and returns the items per state.
// Items whose draft waits for review count as classified: these tests are
// about triage.
func waitSettled(t testing.TB, pool *pgxpool.Pool, n int) map[string]int {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(90 * time.Second)
	for {
		counts := map[string]int{}
		rows, err := pool.Query(ctx, "SELECT state, count(*) FROM items GROUP BY state")
		require.NoError(t, err)
		total := 0
		for rows.Next() {
			var s string
			var c int
			require.NoError(t, rows.Scan(&s, &c))
			counts[s] = c
			total += c
		}
		require.NoError(t, rows.Err())
		jobs := count(t, pool, `SELECT count(*) FROM river_job WHERE kind IN ('triage', 'dispatch', 'draft')
			AND state IN ('available', 'pending', 'running', 'retryable', 'scheduled')`)
		if total == n && counts["received"] == 0 && jobs == 0 {
			// Dispatch moves classified items on: drafted, or closed
			// by the auto-closure policy. All were classified.
			for _, st := range []string{"pending_review", "auto_closed"} {
				if d := counts[st]; d > 0 {
					counts["classified"] += d
					delete(counts, st)
				}
			}
			return counts
		}
		if time.Now().After(deadline) {
			t.Fatalf("items did not settle: %v", counts)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func count(t testing.TB, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

func TestPipelineEndToEnd(t *testing.T) {
	t.Parallel()
	for _, backend := range []string{llm.BackendOpenAI, llm.BackendOllama} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			b := setup(t, setupOpts{backend: backend, handler: llmtest.Classifier()})
			batch := makeItems(backend, 200, uniqueText)
			for _, part := range [][]map[string]any{batch[:100], batch[100:]} {
				status, res := post(t, b.api.URL, part)
				require.Equal(t, http.StatusAccepted, status)
				require.Equal(t, ingestResult{Created: 100}, res)
			}
			counts := waitSettled(t, b.pool, 200)
			require.Equal(t, map[string]int{"classified": 200}, counts)
			require.Equal(t, 200, count(t, b.pool, "SELECT count(DISTINCT item_id) FROM classifications"))
			require.Equal(t, 200, count(t, b.pool, "SELECT count(*) FROM classifications"), "no item classified twice")
			require.Equal(t, 200, count(t, b.pool, "SELECT count(*) FROM model_calls WHERE task = 'classify' AND outcome = 'ok' AND backend = $1", backend))
			require.Equal(t, 200, b.classifyCalls())
			// Support items got a draft, each waiting for a reviewer: none sent.
			drafted := count(t, b.pool, "SELECT count(*) FROM items WHERE state = 'pending_review'")
			require.Positive(t, drafted)
			require.Equal(t, drafted, count(t, b.pool, "SELECT count(*) FROM drafts WHERE state = 'pending_review' AND citations <> '[]'"))
			// Labels are the fake model's, stored as it answered them.
			scams := 0
			for i := range batch {
				if i%len(texts) == 4 {
					scams++
				}
			}
			require.Equal(t, scams, count(t, b.pool, "SELECT count(*) FROM classifications WHERE risk = 'scam' AND intent = 'risk_signal'"))

			// Redelivery creates nothing: no item, no job, no model call.
			for _, part := range [][]map[string]any{batch[:100], batch[100:]} {
				status, res := post(t, b.api.URL, part)
				require.Equal(t, http.StatusOK, status)
				require.Equal(t, ingestResult{Existing: 100}, res)
			}
			require.Equal(t, 200, count(t, b.pool, "SELECT count(*) FROM items"))
			require.Equal(t, 200, count(t, b.pool, "SELECT count(*) FROM river_job WHERE kind = 'triage'"))
			// Each item was then either routed to a team with a deadline or
			// closed by the auto-closure policy.
			routed := count(t, b.pool, "SELECT count(*) FROM item_events WHERE detail->>'event' = 'routed'")
			require.Equal(t, routed, count(t, b.pool, "SELECT count(*) FROM items WHERE team IS NOT NULL AND sla_due_at > received_at"))
			require.Equal(t, 200, routed+count(t, b.pool, "SELECT count(*) FROM items WHERE state = 'auto_closed'"))
			require.Equal(t, 600+drafted, count(t, b.pool, "SELECT count(*) FROM item_events"),
				"received, classified, routed or auto_closed, and pending_review for drafted items")
		})
	}
}

// With an LLM backend the local model runs first: confident noise and spam
// are closed without a model call, everything else reaches the model.
func TestCascadeSavesModelCalls(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{backend: llm.BackendOpenAI, handler: llmtest.Classifier(), prefilter: 0.9})
	chatter := []string{
		"anyone watching the game tonight? %d",
		"lol same %d",
		"good morning everyone, coffee time %d",
	}
	batch := makeItems("c", 60, func(i int) string {
		if i%2 == 0 {
			return fmt.Sprintf(chatter[i%3], i)
		}
		return uniqueText(i)
	})
	status, _ := post(t, b.api.URL, batch)
	require.Equal(t, http.StatusAccepted, status)
	counts := waitSettled(t, b.pool, 60)
	filtered := counts["filtered"]
	require.Positive(t, filtered, "the local model closes confident chatter: %v", counts)
	require.Equal(t, 60-filtered, b.classifyCalls(), "a closed item costs no model call")
	require.Equal(t, filtered, count(t, b.pool, "SELECT count(*) FROM classifications WHERE backend = 'local'"))
	require.Equal(t, 0, count(t, b.pool, "SELECT count(*) FROM items WHERE state = 'filtered' AND id IN (SELECT item_id FROM classifications WHERE risk NOT IN ('none', 'spam'))"),
		"no risk item is ever closed by the prefilter")
	require.Equal(t, filtered, count(t, b.pool, "SELECT count(*) FROM item_events WHERE to_state = 'filtered' AND reason LIKE 'closed by the local prefilter: %'"))
}

// apiTokens holds each test server's admin token, by base URL.
var apiTokens sync.Map

// withToken adds the admin token of the test server req is for.
func withToken(req *http.Request) *http.Request {
	apiTokens.Range(func(base, secret any) bool {
		if strings.HasPrefix(req.URL.String(), base.(string)) {
			req.Header.Set("Authorization", "Bearer "+secret.(string))
			return false
		}
		return true
	})
	return req
}

// authedPost posts a JSON body with the server's token.
func authedPost(url string, body []byte) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	return http.DefaultClient.Do(withToken(req))
}

// authedGet gets url with the server's token.
func authedGet(url string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return http.DefaultClient.Do(withToken(req))
}
