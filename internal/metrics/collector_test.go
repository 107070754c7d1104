package metrics_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/calllog"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/metrics"
	"github.com/triage-oss/triage/internal/postgres/pgtest"
)

// collectorFixture: two email items (one classified and routed, one
// filtered), one discord item just received, a call about the first and
// one about nothing, and two QA samples (one judged correct).
func (b *testBundle) collectorFixture(t *testing.T) {
	t.Helper()
	st, calls := items.NewStore(b.pool), calllog.NewStore(b.pool)
	now := time.Now()
	a := insertItem(t, b.ctx, st, "email", "a", now)
	f := insertItem(t, b.ctx, st, "email", "f", now)
	insertItem(t, b.ctx, st, "discord", "d", now)
	require.NoError(t, st.Transition(b.ctx, a, items.Change{From: items.StateReceived, To: items.StateClassified, Actor: "worker", At: now}))
	require.NoError(t, st.Annotate(b.ctx, a, "routed", "", "dispatcher", nil, now))
	require.NoError(t, st.Transition(b.ctx, f, items.Change{From: items.StateReceived, To: items.StateFiltered, Actor: "worker", At: now}))
	recordCall(t, b.ctx, calls, calllog.Call{ItemID: a, Task: "classify", Backend: "openai", Model: "gpt-4o-mini",
		Response: llm.Response{PromptTokens: 100, CompletionTokens: 10}, Outcome: calllog.OutcomeOK})
	recordCall(t, b.ctx, calls, calllog.Call{Task: "eval", Backend: "ollama", Model: "llama", Outcome: calllog.OutcomeTimeout})
	b.exec(t, "INSERT INTO qa_reviews (item_id, closed_by, verdict) VALUES ($1, 'rule', 'correct'), ($2, 'prefilter', NULL)", a, f)
}

const wantExposition = `
# HELP triage_autoclose_qa_pending Auto-closed samples waiting for a QA verdict.
# TYPE triage_autoclose_qa_pending gauge
triage_autoclose_qa_pending 1
# HELP triage_autoclose_qa_precision Audited precision of auto-closure: correct over correct plus incorrect verdicts; absent before the first verdict.
# TYPE triage_autoclose_qa_precision gauge
triage_autoclose_qa_precision 1
# HELP triage_autoclose_qa_verdicts_total QA verdicts on auto-closed samples, by verdict (correct or incorrect).
# TYPE triage_autoclose_qa_verdicts_total counter
triage_autoclose_qa_verdicts_total{verdict="correct"} 1
triage_autoclose_qa_verdicts_total{verdict="incorrect"} 0
# HELP triage_item_annotations_total Item events that leave the state unchanged (routed, sla_breached...), by event and channel.
# TYPE triage_item_annotations_total counter
triage_item_annotations_total{channel="email",event="routed"} 1
# HELP triage_item_transitions_total Item state changes, by state entered and channel (each item's first event enters received).
# TYPE triage_item_transitions_total counter
triage_item_transitions_total{channel="discord",state="received"} 1
triage_item_transitions_total{channel="email",state="classified"} 1
triage_item_transitions_total{channel="email",state="filtered"} 1
triage_item_transitions_total{channel="email",state="received"} 2
# HELP triage_items Items by current state and channel.
# TYPE triage_items gauge
triage_items{channel="discord",state="received"} 1
triage_items{channel="email",state="classified"} 1
triage_items{channel="email",state="filtered"} 1
# HELP triage_metrics_up 1 when the last scrape read Triage's counters, 0 when the database could not be read.
# TYPE triage_metrics_up gauge
triage_metrics_up 1
# HELP triage_model_calls_total Model calls, by backend and outcome.
# TYPE triage_model_calls_total counter
triage_model_calls_total{backend="ollama",outcome="timeout"} 1
triage_model_calls_total{backend="openai",outcome="ok"} 1
# HELP triage_model_tokens_total Model tokens, by backend and kind (prompt or completion).
# TYPE triage_model_tokens_total counter
triage_model_tokens_total{backend="ollama",kind="completion"} 0
triage_model_tokens_total{backend="ollama",kind="prompt"} 0
triage_model_tokens_total{backend="openai",kind="completion"} 10
triage_model_tokens_total{backend="openai",kind="prompt"} 100
`

func TestCollector(t *testing.T) {
	t.Parallel()

	t.Run("Exports", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.collectorFixture(t)
		c := metrics.NewCollector(b.svc, nil)
		require.NoError(t, testutil.CollectAndCompare(c, strings.NewReader(wantExposition)))
		// A second scrape (after compaction) exports the same.
		require.NoError(t, testutil.CollectAndCompare(c, strings.NewReader(wantExposition)))
		problems, err := testutil.CollectAndLint(c)
		require.NoError(t, err)
		require.Empty(t, problems)
	})

	t.Run("Handler", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.collectorFixture(t)
		reg := prometheus.NewRegistry()
		reg.MustRegister(metrics.NewCollector(b.svc, nil))
		srv := httptest.NewServer(metrics.Handler(reg))
		t.Cleanup(srv.Close)
		resp, err := http.Get(srv.URL)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Contains(t, string(body), `triage_items{channel="email",state="classified"} 1`)
		require.Contains(t, string(body), `triage_autoclose_qa_precision 1`)
	})

	t.Run("DatabaseDown", func(t *testing.T) {
		t.Parallel()
		pool := pgtest.New(t)
		svc := metrics.NewService(pool, nil)
		pool.Close()
		c := metrics.NewCollector(svc, nil)
		require.NoError(t, testutil.CollectAndCompare(c, strings.NewReader(`
# HELP triage_metrics_up 1 when the last scrape read Triage's counters, 0 when the database could not be read.
# TYPE triage_metrics_up gauge
triage_metrics_up 0
`)))
	})
}
