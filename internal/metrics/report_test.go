package metrics_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/calllog"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/metrics"
)

// hop is a transition `after` the item was received.
type hop struct {
	to    items.State
	after time.Duration
}

type callSpec struct {
	model              string
	prompt, completion int
}

// reportItem is one item of the report fixture and everything that
// happens to it.
type reportItem struct {
	channel  string
	received time.Time
	path     []hop
	intents  []string // classifications in order; the last is current
	team     string
	sla      string // "", "met" or "breached"
	qa       string // "", "pending", "correct" or "incorrect"
	draft    string // the draft's state, or ""
	calls    []callSpec
	annotate []string
}

var (
	day1 = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	day2 = day1.AddDate(0, 0, 1)
	day3 = day1.AddDate(0, 0, 2)
)

func replyPath(reply time.Duration) []hop {
	return []hop{{items.StateClassified, 30 * time.Second}, {items.StatePendingReview, 60 * time.Second},
		{items.StateApproved, reply / 2}, {items.StateReplied, reply}}
}

func autoClosePath() []hop {
	return []hop{{items.StateClassified, 10 * time.Second}, {items.StateAutoClosed, 20 * time.Second}}
}

// reportFixture: ten items received on day1 and day2 (in two channels),
// three auto-closed of which two have a QA verdict (one correct), two
// noise, three replied after 10, 30 and 60 minutes, five with an SLA of
// which two breached; and two items outside [day1, day3).
func reportFixture() (in, out []reportItem) {
	in = []reportItem{
		{channel: "email", received: day1.Add(10 * time.Hour), path: replyPath(10 * time.Minute), intents: []string{"question", "bug"},
			team: "core", sla: "met", draft: "sent", calls: []callSpec{{"gpt-4o-mini", 1000, 200}, {"gpt-4o-mini", 1000, 200}}, annotate: []string{"routed"}},
		{channel: "email", received: day1.Add(11 * time.Hour), path: replyPath(30 * time.Minute), intents: []string{"question"},
			team: "docs", sla: "breached", draft: "sent", calls: []callSpec{{"mystery-model", 500, 100}}, annotate: []string{"routed", "sla_breached"}},
		{channel: "email", received: day1.Add(12 * time.Hour), path: autoClosePath(), intents: []string{"praise"}, qa: "correct",
			calls: []callSpec{{"gpt-4o-mini", 300, 20}}},
		{channel: "email", received: day1.Add(13 * time.Hour), path: autoClosePath(), intents: []string{"praise"}, qa: "incorrect"},
		{channel: "email", received: day2.Add(9 * time.Hour), path: []hop{{items.StateFiltered, time.Second}}, qa: "pending"},
		{channel: "email", received: day2.Add(10 * time.Hour), path: []hop{{items.StateDuplicate, time.Second}}},
		{channel: "discord", received: day1.Add(15 * time.Hour), path: replyPath(time.Hour), intents: []string{"bug"},
			team: "core", sla: "met", draft: "sent", calls: []callSpec{{"gpt-4o", 2000, 500}}},
		{channel: "discord", received: day2.Add(8 * time.Hour), intents: []string{"question"}, team: "docs", sla: "breached",
			path: []hop{{items.StateClassified, time.Second}, {items.StateNeedsHuman, time.Minute}}},
		{channel: "discord", received: day2.Add(9*time.Hour + 30*time.Minute), path: autoClosePath(), intents: []string{"praise"}, qa: "pending"},
		{channel: "discord", received: day1.Add(16 * time.Hour), intents: []string{"complaint"}, team: "core", sla: "met", draft: "rejected",
			path: []hop{{items.StateClassified, time.Second}, {items.StatePendingReview, time.Minute}, {items.StateClosed, time.Hour}}},
	}
	out = []reportItem{
		{channel: "email", received: day1.Add(-time.Second), path: autoClosePath(), intents: []string{"praise"}, qa: "correct",
			calls: []callSpec{{"gpt-4o", 1000, 1000}}},
		{channel: "discord", received: day3, path: replyPath(time.Minute), intents: []string{"bug"}, team: "core", sla: "breached"},
	}
	return in, out
}

// store writes the fixture through the items and call log stores, and SQL
// for what those packages' stores would need more setup to write.
func (b *testBundle) store(t *testing.T, fixture []reportItem) {
	t.Helper()
	st, calls := items.NewStore(b.pool), calllog.NewStore(b.pool)
	for i, it := range fixture {
		id := insertItem(t, b.ctx, st, it.channel, fmt.Sprintf("r%d-%d", i, it.received.Unix()), it.received)
		from := items.StateReceived
		for _, h := range it.path {
			require.NoError(t, st.Transition(b.ctx, id, items.Change{From: from, To: h.to, Actor: "test", At: it.received.Add(h.after)}))
			from = h.to
		}
		for _, intent := range it.intents {
			b.exec(t, `INSERT INTO classifications (item_id, intent, topic, urgency, sentiment, sarcasm, risk, severity, language,
				summary, confidence, prompt_version, prompt_hash, backend, model, latency_ms, prompt_tokens, completion_tokens, model_calls)
				VALUES ($1, $2, 'general', 'low', 'neutral', false, 'none', 'low', 'en', '', '{}', 'v1', 'h', 'local', 'triage-local', 1, 0, 0, 1)`,
				id, intent)
		}
		b.storeRoute(t, id, it)
		for _, ev := range it.annotate {
			require.NoError(t, st.Annotate(b.ctx, id, ev, "", "test", nil, it.received.Add(time.Second)))
		}
		for _, c := range it.calls {
			recordCall(t, b.ctx, calls, calllog.Call{ItemID: id, Task: "classify", Backend: "openai", Model: c.model,
				Response: llm.Response{PromptTokens: c.prompt, CompletionTokens: c.completion}, Outcome: calllog.OutcomeOK})
		}
	}
	// A call about no item (an eval run) is in no report row.
	recordCall(t, b.ctx, calls, calllog.Call{Task: "eval", Backend: "openai", Model: "gpt-4o",
		Response: llm.Response{PromptTokens: 99999, CompletionTokens: 99999}, Outcome: calllog.OutcomeOK})
}

func (b *testBundle) storeRoute(t *testing.T, id int64, it reportItem) {
	t.Helper()
	if it.team != "" {
		var breached *time.Time
		if it.sla == "breached" {
			breached = new(it.received.Add(2 * time.Hour))
		}
		b.exec(t, "UPDATE items SET team = $2, priority = 'normal', sla_due_at = $3, sla_breached_at = $4 WHERE id = $1",
			id, it.team, it.received.Add(time.Hour), breached)
	}
	if it.qa != "" {
		var verdict *string
		if it.qa != "pending" {
			verdict = &it.qa
		}
		b.exec(t, "INSERT INTO qa_reviews (item_id, closed_by, sampled_at, verdict) VALUES ($1, 'rule', $2, $3)", id, it.received, verdict)
	}
	if it.draft != "" {
		b.exec(t, "INSERT INTO drafts (item_id, state, body, extractive, backend, model) VALUES ($1, $2, 'reply', true, 'local', 'extractive-v1')",
			id, it.draft)
	}
}

// expectRow computes a report row from the fixture, independently of the
// SQL.
func expectRow(key string, fixture []reportItem) metrics.Row {
	r := metrics.Row{Key: key, Volume: int64(len(fixture))}
	var ttfr []float64
	var neededReplied int64
	for _, it := range fixture {
		entered, final := map[items.State]bool{}, items.StateReceived
		firstReply := time.Duration(-1)
		for _, h := range it.path {
			entered[h.to], final = true, h.to
			if h.to == items.StateReplied && firstReply < 0 {
				firstReply = h.after
			}
		}
		auto, noise := entered[items.StateAutoClosed], entered[items.StateFiltered] || entered[items.StateDuplicate]
		r.AutoClosed += b2i(auto)
		r.NoiseFiltered += b2i(noise)
		r.NeedingReply += b2i(!auto && !noise)
		if firstReply >= 0 {
			r.Replied++
			neededReplied += b2i(!auto && !noise)
			ttfr = append(ttfr, firstReply.Seconds())
		}
		switch final {
		case items.StateReplied, items.StateClosed, items.StateAutoClosed, items.StateFiltered, items.StateDuplicate:
			r.Resolved++
		}
		r.QASampled += b2i(it.qa != "")
		r.QACorrect += b2i(it.qa == "correct")
		r.QAIncorrect += b2i(it.qa == "incorrect")
		r.SLAItems += b2i(it.sla != "")
		r.SLABreached += b2i(it.sla == "breached")
		r.Drafted += b2i(it.draft != "")
		r.DraftsSent += b2i(it.draft == "sent")
		r.DraftsRejected += b2i(it.draft == "rejected")
		for _, c := range it.calls {
			r.ModelCalls++
			r.PromptTokens += int64(c.prompt)
			r.CompletionTokens += int64(c.completion)
			p, ok := testPrices[c.model]
			r.UnpricedCalls += b2i(!ok)
			r.CostUSD += (float64(c.prompt)*p.InputPerMillion + float64(c.completion)*p.OutputPerMillion) / 1e6
		}
	}
	r.SLAMet = r.SLAItems - r.SLABreached
	r.AutoClosureRate = frac(r.AutoClosed, r.Volume)
	r.AuditedPrecision = frac(r.QACorrect, r.QACorrect+r.QAIncorrect)
	r.NoiseShare = frac(r.NoiseFiltered, r.Volume)
	r.ResponseRate = frac(neededReplied, r.NeedingReply)
	r.TimeToFirstResponseP50Sec, r.TimeToFirstResponseP90Sec = percentile(ttfr, 0.5), percentile(ttfr, 0.9)
	r.ResolutionRate = frac(r.Resolved, r.Volume)
	r.SLAAdherence = frac(r.SLAMet, r.SLAItems)
	r.ModelCallsPerItem = frac(r.ModelCalls, r.Volume)
	if r.Volume > 0 {
		r.CostPerItemUSD = ptr(r.CostUSD / float64(r.Volume))
	}
	return r
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// requireRow compares rows exactly, except float sums and interpolations,
// which may round differently in PostgreSQL.
func requireRow(t *testing.T, want, got metrics.Row) {
	t.Helper()
	require.InDelta(t, want.CostUSD, got.CostUSD, 1e-12, "cost of %q", want.Key)
	requireNear(t, want.CostPerItemUSD, got.CostPerItemUSD, "cost per item of %q", want.Key)
	requireNear(t, want.TimeToFirstResponseP50Sec, got.TimeToFirstResponseP50Sec, "p50 of %q", want.Key)
	requireNear(t, want.TimeToFirstResponseP90Sec, got.TimeToFirstResponseP90Sec, "p90 of %q", want.Key)
	want.CostUSD, want.CostPerItemUSD, want.TimeToFirstResponseP50Sec, want.TimeToFirstResponseP90Sec = 0, nil, nil, nil
	got.CostUSD, got.CostPerItemUSD, got.TimeToFirstResponseP50Sec, got.TimeToFirstResponseP90Sec = 0, nil, nil, nil
	require.Equal(t, want, got)
}

func requireNear(t *testing.T, want, got *float64, msg string, args ...any) {
	t.Helper()
	if want == nil || got == nil {
		require.Equal(t, want, got, append([]any{msg}, args...)...)
		return
	}
	require.InDelta(t, *want, *got, 1e-9, append([]any{msg}, args...)...)
}

// expectRows groups the fixture by keyOf, in key order.
func expectRows(fixture []reportItem, keyOf func(reportItem) string) []metrics.Row {
	groups := map[string][]reportItem{}
	for _, it := range fixture {
		groups[keyOf(it)] = append(groups[keyOf(it)], it)
	}
	var out []metrics.Row
	for _, k := range slices.Sorted(maps.Keys(groups)) {
		out = append(out, expectRow(k, groups[k]))
	}
	return out
}

func intentOf(it reportItem) string {
	if len(it.intents) == 0 {
		return metrics.Unclassified
	}
	return it.intents[len(it.intents)-1]
}

func teamOf(it reportItem) string {
	if it.team == "" {
		return metrics.Unrouted
	}
	return it.team
}

func TestReport(t *testing.T) {
	t.Parallel()
	b := setup(t)
	in, out := reportFixture()
	b.store(t, append(append([]reportItem{}, in...), out...))
	period := metrics.Filter{From: day1, To: day3}

	t.Run("Totals", func(t *testing.T) {
		t.Parallel()
		rep, err := b.svc.Report(b.ctx, period, metrics.GroupNone)
		require.NoError(t, err)
		require.Empty(t, rep.Rows)
		requireRow(t, expectRow("", in), rep.Total)
		// The headline numbers, by hand.
		tot := rep.Total
		require.EqualValues(t, 10, tot.Volume)
		require.Equal(t, ptr(0.3), tot.AutoClosureRate)
		require.Equal(t, ptr(0.5), tot.AuditedPrecision)
		require.EqualValues(t, 4, tot.QASampled)
		require.Equal(t, ptr(0.2), tot.NoiseShare)
		require.Equal(t, ptr(0.6), tot.ResponseRate)
		require.InDelta(t, 1800, *tot.TimeToFirstResponseP50Sec, 1e-9)
		require.InDelta(t, 3240, *tot.TimeToFirstResponseP90Sec, 1e-9)
		require.Equal(t, ptr(0.9), tot.ResolutionRate)
		require.Equal(t, ptr(0.6), tot.SLAAdherence)
		require.EqualValues(t, 3, tot.SLAMet)
		require.EqualValues(t, 2, tot.SLABreached)
		require.EqualValues(t, 5, tot.ModelCalls)
		require.EqualValues(t, 1, tot.UnpricedCalls)
		require.InDelta(t, 0.010597, tot.CostUSD, 1e-12)
	})

	groups := map[metrics.Group]func(reportItem) string{
		metrics.GroupChannel: func(it reportItem) string { return it.channel },
		metrics.GroupDay:     func(it reportItem) string { return it.received.UTC().Format(time.DateOnly) },
		metrics.GroupIntent:  intentOf,
		metrics.GroupTeam:    teamOf,
	}
	for group, keyOf := range groups {
		t.Run("By"+string(group), func(t *testing.T) {
			t.Parallel()
			rep, err := b.svc.Report(b.ctx, period, group)
			require.NoError(t, err)
			want := expectRows(in, keyOf)
			require.Len(t, rep.Rows, len(want))
			for i := range want {
				requireRow(t, want[i], rep.Rows[i])
			}
			requireRow(t, expectRow("", in), rep.Total)
		})
	}

	t.Run("Filters", func(t *testing.T) {
		t.Parallel()
		cases := []struct {
			f    metrics.Filter
			keep func(reportItem) bool
		}{
			{metrics.Filter{Channel: "discord"}, func(it reportItem) bool { return it.channel == "discord" }},
			{metrics.Filter{Team: metrics.Unrouted}, func(it reportItem) bool { return it.team == "" }},
			{metrics.Filter{Intent: "praise", Channel: "email"}, func(it reportItem) bool { return intentOf(it) == "praise" && it.channel == "email" }},
			{metrics.Filter{Intent: metrics.Unclassified}, func(it reportItem) bool { return len(it.intents) == 0 }},
			{metrics.Filter{To: day2}, func(it reportItem) bool { return it.received.Before(day2) }},
		}
		for _, c := range cases {
			f := c.f
			if f.From.IsZero() {
				f.From = day1
			}
			if f.To.IsZero() {
				f.To = day3
			}
			rep, err := b.svc.Report(b.ctx, f, metrics.GroupDay)
			require.NoError(t, err)
			var kept []reportItem
			for _, it := range in {
				if c.keep(it) {
					kept = append(kept, it)
				}
			}
			require.NotEmpty(t, kept)
			requireRow(t, expectRow("", kept), rep.Total)
			want := expectRows(kept, groups[metrics.GroupDay])
			require.Len(t, rep.Rows, len(want), "%+v", c.f)
			for i := range want {
				requireRow(t, want[i], rep.Rows[i])
			}
		}
	})

	t.Run("OpenPeriod", func(t *testing.T) {
		t.Parallel()
		rep, err := b.svc.Report(b.ctx, metrics.Filter{}, metrics.GroupNone)
		require.NoError(t, err)
		requireRow(t, expectRow("", append(append([]reportItem{}, in...), out...)), rep.Total)
	})

	t.Run("Empty", func(t *testing.T) {
		t.Parallel()
		rep, err := b.svc.Report(b.ctx, metrics.Filter{From: day3.AddDate(1, 0, 0)}, metrics.GroupChannel)
		require.NoError(t, err)
		require.Empty(t, rep.Rows)
		require.Equal(t, metrics.Row{}, rep.Total)
		js, err := json.Marshal(rep)
		require.NoError(t, err)
		require.Contains(t, string(js), `"rows":[]`)
		require.Contains(t, string(js), `"auto_closure_rate":null`)
	})

	t.Run("Invalid", func(t *testing.T) {
		t.Parallel()
		_, err := b.svc.Report(b.ctx, period, "week")
		require.Equal(t, apperr.EINVALID, apperr.CodeOf(err))
		_, err = b.svc.Report(b.ctx, metrics.Filter{From: day2, To: day1}, metrics.GroupNone)
		require.Equal(t, apperr.EINVALID, apperr.CodeOf(err))
	})
}

func TestReportJSON(t *testing.T) {
	t.Parallel()
	b := setup(t)
	in, _ := reportFixture()
	b.store(t, in[:1])
	rep, err := b.svc.Report(b.ctx, metrics.Filter{From: day1, To: day3}, metrics.GroupChannel)
	require.NoError(t, err)
	js, err := json.Marshal(rep)
	require.NoError(t, err)
	var shape map[string]any
	require.NoError(t, json.Unmarshal(js, &shape))
	require.Equal(t, "channel", shape["group"])
	require.Equal(t, day1.Format(time.RFC3339), shape["filter"].(map[string]any)["from"])
	row := shape["rows"].([]any)[0].(map[string]any)
	require.Equal(t, "email", row["key"])
	require.InDelta(t, 600, row["time_to_first_response_p50_seconds"], 1e-9)
	require.EqualValues(t, 2, row["model_calls_per_item"])
	require.Nil(t, row["audited_precision"])
	require.False(t, math.IsNaN(row["cost_per_item_usd"].(float64)))
}
