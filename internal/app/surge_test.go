package app_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/bench"
	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/demo"
	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/llm/llmtest"
)

// nearDuplicate is the i-th report of the surge's outage.
var nearDuplicate = bench.NearDuplicate

// surgeResult is what a surge run measured over the stream (the seed that
// made the incident ongoing excluded).
type surgeResult struct {
	items, dups, calls, inherited, prefiltered, members int
}

func (r surgeResult) callsPerItem() float64 { return float64(r.calls) / float64(r.items) }

// runSurge opens an incident with seed near-duplicates, then streams the
// demo items with near-duplicates of the incident making up share of the
// stream, through the real API and worker on the fake OpenAI server, with
// the cascade and near-duplicate detection at their defaults.
func runSurge(tb testing.TB, share float64) surgeResult {
	defaults := config.Default()
	b := setup(tb, setupOpts{backend: llm.BackendOpenAI, handler: llmtest.Classifier(),
		prefilter: defaults.PrefilterThreshold, nearDuplicates: defaults.NearDupThreshold})
	at := time.Now().Add(-30 * time.Minute)
	surge := bench.NewSurge(at)

	// The incident is ongoing: its first report, then enough others to
	// open it.
	seed := defaults.IncidentSize + 2
	postAny(tb, b.api.URL, []any{surge.Report()})
	waitSettled(tb, b.pool, 1)
	var rest []any
	for range seed - 1 {
		rest = append(rest, surge.Report())
	}
	postAny(tb, b.api.URL, rest)
	waitSettled(tb, b.pool, seed)
	require.Equal(tb, 1, count(tb, b.pool, "SELECT count(*) FROM incidents WHERE state = 'open'"), "the seed opened the incident")
	before := b.classifyCalls()
	inheritedBefore := count(tb, b.pool, "SELECT count(*) FROM classifications WHERE inherited_from IS NOT NULL")

	stream, err := demo.Stream(at)
	require.NoError(tb, err)
	all, dups := surge.Mix(stream, share)
	for i := 0; i < len(all); i += 50 {
		postAny(tb, b.api.URL, all[i:min(i+50, len(all))])
	}
	waitSettled(tb, b.pool, seed+len(all))

	r := surgeResult{items: len(all), dups: dups, calls: b.classifyCalls() - before}
	r.inherited = count(tb, b.pool, "SELECT count(*) FROM classifications WHERE inherited_from IS NOT NULL") - inheritedBefore
	r.prefiltered = count(tb, b.pool, "SELECT count(*) FROM items WHERE state = 'filtered'")
	r.members = count(tb, b.pool, `SELECT count(*) FROM items i JOIN incidents n ON n.cluster_id = i.cluster_id`)
	// Every item triaged ends with a classification, its own or
	// inherited; exact duplicates show their original's.
	require.Zero(tb, count(tb, b.pool, `SELECT count(*) FROM items i
		WHERE i.state <> 'duplicate' AND NOT EXISTS (SELECT 1 FROM classifications c WHERE c.item_id = i.id)`))
	require.Zero(tb, count(tb, b.pool, `SELECT count(*) FROM items i JOIN incidents n ON n.cluster_id = i.cluster_id
		WHERE NOT EXISTS (SELECT 1 FROM classifications c WHERE c.item_id = i.id)`), "every incident member has a classification")
	require.Zero(tb, count(tb, b.pool, `SELECT count(*) FROM items i JOIN incidents n ON n.cluster_id = i.cluster_id
		WHERE i.team IS NULL AND i.state NOT IN ('filtered', 'duplicate', 'auto_closed')`), "every incident member is routed with the incident")
	return r
}

func postAny(tb testing.TB, url string, batch []any) {
	tb.Helper()
	body, err := json.Marshal(map[string]any{"items": batch})
	require.NoError(tb, err)
	resp, err := authedPost(url+"/v1/items", body)
	require.NoError(tb, err)
	defer resp.Body.Close()
	require.Equal(tb, http.StatusAccepted, resp.StatusCode)
}

// TestSurgeCallsPerItem: near-duplicates of an ongoing incident cost no
// model call, and every item ends classified.
func TestSurgeCallsPerItem(t *testing.T) {
	t.Parallel()
	r := runSurge(t, 0.3)
	t.Logf("%d items (%d near-duplicates): %d classification calls (%.3f per item), %d inherited, %d prefiltered, %d incident members",
		r.items, r.dups, r.calls, r.callsPerItem(), r.inherited, r.prefiltered, r.members)
	require.GreaterOrEqual(t, r.inherited, r.dups, "every near-duplicate inherited its classification")
	require.LessOrEqual(t, r.calls, r.items-r.dups, "near-duplicates cost no model call")
	require.GreaterOrEqual(t, r.members, r.dups, "every near-duplicate joined the incident")
}

// BenchmarkSurge reports classification calls per item on the surge
// stream (go test -run x -bench Surge -benchtime 1x ./internal/app).
func BenchmarkSurge(b *testing.B) {
	var r surgeResult
	for b.Loop() {
		r = runSurge(b, 0.3)
	}
	b.ReportMetric(r.callsPerItem(), "calls/item")
	b.ReportMetric(float64(r.calls)/float64(r.items-r.dups), "calls/other-item")
	b.ReportMetric(float64(r.inherited)/float64(r.items), "inherited/item")
	b.ReportMetric(float64(r.prefiltered)/float64(r.items), "prefiltered/item")
	b.ReportMetric(float64(r.items), "items")
}
