package dispatch_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/dispatch"
	"github.com/triage-oss/triage/internal/drafts"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/pipeline"
	"github.com/triage-oss/triage/internal/postgres/pgtest"
	"github.com/triage-oss/triage/internal/routing"
	"github.com/triage-oss/triage/internal/taxonomy"
)

const hookSecret = "n0tify"

// hooks is a team's webhook receiver: it keeps what passes the signature
// check and refuses the rest.
type hooks struct {
	srv      *httptest.Server
	mu       sync.Mutex
	got      []routing.Notification
	refused  atomic.Int32
	failNext atomic.Int32 // answer 503 to this many deliveries first
}

func newHooks(t *testing.T) *hooks {
	h := &hooks{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.failNext.Add(-1) >= 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		body, _ := io.ReadAll(r.Body)
		err := routing.Verify(hookSecret, r.Header.Get(routing.HeaderTimestamp), r.Header.Get(routing.HeaderSignature), body, time.Now(), time.Minute)
		if err != nil {
			h.refused.Add(1)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var n routing.Notification
		if err := json.Unmarshal(body, &n); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		h.mu.Lock()
		h.got = append(h.got, n)
		h.mu.Unlock()
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// events returns "event team" of every notification received for item.
func (h *hooks) events(item int64) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, n := range h.got {
		if n.ItemID == item {
			out = append(out, n.Event+" "+n.Team)
		}
	}
	return out
}

const rulesYAML = `
teams:
  support: {webhook: %[1]q, secret_env: HOOK_SECRET}
  engineering: {webhook: %[1]q, secret_env: HOOK_SECRET}
  trust_and_safety: {}
priorities:
  p1: 1h
  p2: 2h
rules:
  - name: risks
    when: {risk: [spam, scam, abuse, threat, impersonation, misinformation, pr_exposure, legal, self_harm]}
    team: trust_and_safety
    priority: p1
default: {team: support, priority: p2}
escalation:
  p2: {team: engineering, priority: p1}
auto_close:
  - name: noise
    when: {intent: noise}
    min_confidence: 0.9
qa_sample: 1
`

type bundle struct {
	ctx   context.Context
	pool  *pgxpool.Pool
	river *river.Client[pgx.Tx]
	hooks *hooks
	n     atomic.Int64
}

type fastRetry struct{}

func (fastRetry) NextRetry(*rivertype.JobRow) time.Time { return time.Now().Add(20 * time.Millisecond) }

func setup(t *testing.T) *bundle {
	t.Helper()
	b := &bundle{ctx: context.Background(), pool: pgtest.New(t), hooks: newHooks(t)}
	rules, err := routing.Loader{Topics: taxonomy.DefaultTopics, Channels: items.Channels,
		LookupEnv: func(k string) (string, bool) { return hookSecret, k == "HOOK_SECRET" }}.
		Parse(fmt.Appendf(nil, rulesYAML, b.hooks.srv.URL), "rules.yaml")
	require.NoError(t, err)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sla := dispatch.NewSLAWorker(b.pool, rules, log)
	workers := river.NewWorkers()
	river.AddWorker(workers, dispatch.NewWorker(b.pool, rules, log))
	river.AddWorker(workers, dispatch.NewNotifyWorker(b.pool, rules, log))
	river.AddWorker(workers, sla)
	river.AddWorker(workers, river.WorkFunc(func(context.Context, *river.Job[drafts.DraftArgs]) error { return nil }))
	client, err := river.NewClient(riverpgxv5.New(b.pool), &river.Config{Logger: log, TestOnly: true, Workers: workers,
		Queues: map[string]river.QueueConfig{
			pipeline.QueueTriage:      {MaxWorkers: 4, FetchCooldown: 10 * time.Millisecond},
			pipeline.QueueMaintenance: {MaxWorkers: 4, FetchCooldown: 10 * time.Millisecond},
			drafts.QueueDrafts:        {MaxWorkers: 1, FetchCooldown: 10 * time.Millisecond},
		},
		PeriodicJobs: []*river.PeriodicJob{sla.PeriodicJob(200 * time.Millisecond)},
		RetryPolicy:  fastRetry{}})
	require.NoError(t, err)
	require.NoError(t, client.Start(b.ctx))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, client.Stop(ctx))
	})
	b.river = client
	return b
}

// labels is a classification with every confidence at conf.
func labels(intent taxonomy.Intent, risk taxonomy.Risk, conf float64) taxonomy.Classification {
	c := taxonomy.Classification{Intent: intent, Topic: "other", Risk: risk, Severity: taxonomy.SeverityLow,
		Urgency: taxonomy.UrgencyNormal, Sentiment: taxonomy.SentimentNeutral, Language: "en", Summary: "s"}
	if risk != taxonomy.RiskNone {
		c.Severity = taxonomy.SeverityHigh
	}
	for _, f := range taxonomy.Fields {
		c.Confidence.Set(f, conf)
	}
	return c
}

// triaged stores a classified item received at `received` and queues its
// dispatch, as the triage worker does.
func (b *bundle) triaged(t *testing.T, l taxonomy.Classification, received time.Time) int64 {
	t.Helper()
	n := b.n.Add(1)
	batch, err := items.DecodeBatch(fmt.Appendf(nil, `{"channel":"discord","external_id":"%d","text":"message %d"}`, n, n), received)
	require.NoError(t, err)
	var id int64
	require.NoError(t, pgx.BeginFunc(b.ctx, b.pool, func(tx pgx.Tx) error {
		res, err := items.NewStore(tx).Insert(b.ctx, batch.Items, "test", received)
		if err != nil {
			return err
		}
		id = res[0].ID
		if _, err := classify.NewStore(tx).Insert(b.ctx, id, classify.Result{Labels: l, Backend: "fake", Model: "m"}); err != nil {
			return err
		}
		if err := items.NewStore(tx).Transition(b.ctx, id, items.Change{From: items.StateReceived, To: items.StateClassified,
			Actor: "test", At: received}); err != nil {
			return err
		}
		_, err = b.river.InsertTx(b.ctx, tx, dispatch.Args{ItemID: id}, nil)
		return err
	}))
	return id
}

type routed struct {
	State           items.State
	Team, Priority  *string
	Due, BreachedAt *time.Time
}

func (b *bundle) route(t *testing.T, id int64) routed {
	t.Helper()
	var r routed
	require.NoError(t, b.pool.QueryRow(b.ctx, `SELECT state, team, priority, sla_due_at, sla_breached_at FROM items WHERE id = $1`, id).
		Scan(&r.State, &r.Team, &r.Priority, &r.Due, &r.BreachedAt))
	return r
}

// settled waits until the item has left state classified or been routed.
func (b *bundle) settled(t *testing.T, id int64) routed {
	t.Helper()
	var r routed
	require.Eventually(t, func() bool {
		r = b.route(t, id)
		return r.State != items.StateClassified || r.Team != nil
	}, 10*time.Second, 10*time.Millisecond, "item %d never dispatched", id)
	return r
}

func TestRiskItemsAreNeverAutoClosed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	now := time.Now()
	sarcastic := labels(taxonomy.IntentNoise, taxonomy.RiskNone, 0.99)
	sarcastic.Sarcasm = true
	tests := []struct {
		name   string
		labels taxonomy.Classification
		closed bool
		team   string
	}{
		{"confident noise", labels(taxonomy.IntentNoise, taxonomy.RiskNone, 0.99), true, ""},
		{"unsure noise", labels(taxonomy.IntentNoise, taxonomy.RiskNone, 0.7), false, "support"},
		{"sarcastic noise", sarcastic, false, "support"},
		{"noise with a scam", labels(taxonomy.IntentNoise, taxonomy.RiskScam, 0.99), false, "trust_and_safety"},
		{"noise with a threat", labels(taxonomy.IntentNoise, taxonomy.RiskThreat, 0.99), false, "trust_and_safety"},
		{"noise with abuse", labels(taxonomy.IntentNoise, taxonomy.RiskAbuse, 0.99), false, "trust_and_safety"},
		{"noise with spam", labels(taxonomy.IntentNoise, taxonomy.RiskSpam, 1), false, "trust_and_safety"},
		{"noise with self-harm", labels(taxonomy.IntentNoise, taxonomy.RiskSelfHarm, 1), false, "trust_and_safety"},
	}
	ids := make([]int64, len(tests))
	for i, tt := range tests {
		ids[i] = b.triaged(t, tt.labels, now)
	}
	for i, tt := range tests {
		r := b.settled(t, ids[i])
		if tt.closed {
			require.Equal(t, items.StateAutoClosed, r.State, tt.name)
			require.Nil(t, r.Team, tt.name)
			var closedBy string
			require.NoError(t, b.pool.QueryRow(b.ctx, `SELECT closed_by FROM qa_reviews WHERE item_id = $1`, ids[i]).Scan(&closedBy),
				"%s: qa_sample 1 samples every auto-closed item", tt.name)
			require.Equal(t, "noise", closedBy)
			continue
		}
		require.Equal(t, items.StateClassified, r.State, tt.name)
		require.Equal(t, tt.team, *r.Team, tt.name)
		var sampled int
		require.NoError(t, b.pool.QueryRow(b.ctx, `SELECT count(*) FROM qa_reviews WHERE item_id = $1`, ids[i]).Scan(&sampled))
		require.Zero(t, sampled, tt.name)
	}
}

func TestRoutedItemNotifiesTeam(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.hooks.failNext.Store(2) // the receiver is down at first: retried
	received := time.Now().Add(-time.Minute)
	id := b.triaged(t, labels(taxonomy.IntentSupportIssue, taxonomy.RiskNone, 0.8), received)
	r := b.settled(t, id)
	require.Equal(t, "support", *r.Team)
	require.Equal(t, "p2", *r.Priority)
	require.WithinDuration(t, received.Add(2*time.Hour), *r.Due, time.Millisecond)
	require.Eventually(t, func() bool { return len(b.hooks.events(id)) == 1 }, 10*time.Second, 10*time.Millisecond)
	require.Equal(t, []string{"routed support"}, b.hooks.events(id))
	require.Zero(t, b.hooks.refused.Load(), "every delivery was signed")
	var routedEvents int
	require.NoError(t, b.pool.QueryRow(b.ctx, `SELECT count(*) FROM item_events WHERE item_id = $1 AND detail->>'event' = 'routed'`, id).Scan(&routedEvents))
	require.Equal(t, 1, routedEvents)
}

func TestSLABreachFlaggedByPeriodicJob(t *testing.T) {
	t.Parallel()
	b := setup(t)
	late := b.triaged(t, labels(taxonomy.IntentSupportIssue, taxonomy.RiskNone, 0.8), time.Now().Add(-3*time.Hour)) // due 1h ago
	onTime := b.triaged(t, labels(taxonomy.IntentSupportIssue, taxonomy.RiskNone, 0.8), time.Now())                 // due in 2h
	b.settled(t, onTime)

	var r routed
	require.Eventually(t, func() bool {
		r = b.route(t, late)
		return r.BreachedAt != nil
	}, 15*time.Second, 20*time.Millisecond, "the periodic SLA scan never flagged the late item")
	// Escalated per the rules: p2 → p1 with a new deadline from the
	// breach, engineering told besides the owner.
	require.Equal(t, "support", *r.Team)
	require.Equal(t, "p1", *r.Priority)
	require.WithinDuration(t, r.BreachedAt.Add(time.Hour), *r.Due, time.Second)
	var reason string
	require.NoError(t, b.pool.QueryRow(b.ctx, `SELECT reason FROM item_events WHERE item_id = $1 AND detail->>'event' = 'sla_breached'`, late).Scan(&reason))
	require.Contains(t, reason, "SLA breached (support, p2); escalated to p1")
	require.Eventually(t, func() bool { return len(b.hooks.events(late)) == 3 }, 10*time.Second, 10*time.Millisecond)
	require.ElementsMatch(t, []string{"routed support", "sla_breached support", "sla_breached engineering"}, b.hooks.events(late))

	// Flagged once, however many scans run; the item on time never.
	time.Sleep(600 * time.Millisecond)
	var breaches int
	require.NoError(t, b.pool.QueryRow(b.ctx, `SELECT count(*) FROM item_events WHERE detail->>'event' = 'sla_breached'`).Scan(&breaches))
	require.Equal(t, 1, breaches)
	require.Nil(t, b.route(t, onTime).BreachedAt)
}
