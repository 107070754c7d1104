package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/demo"
	"github.com/triage-oss/triage/internal/items"
)

// SurgeShare is the share of the surge part's stream that reports the
// incident.
const SurgeShare = 0.3

// surgeBatch is how many items the surge part posts at once.
const surgeBatch = 50

// SurgeResult is what the surge part measured.
type SurgeResult struct {
	// Items is the stream triaged after the incident opened: the demo
	// stream with Reports near-duplicate reports of the incident mixed in
	// (30%). Calls is the classification requests it cost.
	Items        int     `json:"surge_items"`
	Reports      int     `json:"surge_reports"`
	Calls        int     `json:"surge_calls"`
	CallsPerItem float64 `json:"surge_calls_per_item"`
	// Inherited items took a near-duplicate's classification without a
	// call; Prefiltered ones were closed by the local model.
	Inherited   int `json:"surge_inherited"`
	Prefiltered int `json:"surge_prefiltered"`
}

// outage is the complaint of the surge, as different people phrase it.
var outage = []string{
	"Lumen sync is broken for me, my photos stopped uploading this morning",
	"lumen sync broken again?? photos stopped uploading since this morning",
	"Is Lumen sync broken? My photos stopped uploading this morning",
	"Lumen photo sync is not working, nothing has uploaded since this morning",
	"my Lumen sync is not working and photos stopped uploading this morning",
}

var (
	surgePrefixes = []string{"", "@lumenapp ", "hey ", "ugh, ", "anyone else? "}
	surgeSuffixes = []string{"", " again", " pls fix", "!!", " #lumendown", " :(", " what is going on"}
	surgeChannels = []string{"x", "bluesky", "mastodon", "threads", "instagram"}
)

// NearDuplicate returns the i-th small edit of the outage complaint; the
// first 175 (outages × prefixes × suffixes) are all different.
func NearDuplicate(i int) string {
	base := outage[i%len(outage)]
	i /= len(outage)
	p := surgePrefixes[i%len(surgePrefixes)]
	i /= len(surgePrefixes)
	return p + base + surgeSuffixes[i%len(surgeSuffixes)]
}

// Surge makes the reports of one outage that different people post on
// social channels: small edits of each other, which the near-duplicate
// detection joins into one cluster and, past TRIAGE_INCIDENT_SIZE of them,
// one incident.
type Surge struct {
	at time.Time // when the first report was posted; one a second after
	n  int       // reports made so far
}

// NewSurge returns a surge whose first report was posted at at.
func NewSurge(at time.Time) *Surge { return &Surge{at: at} }

// Report returns the next report, an item object for POST /v1/items with
// external id surge-<n>.
func (s *Surge) Report() map[string]any {
	s.n++
	return map[string]any{"channel": surgeChannels[s.n%len(surgeChannels)], "external_id": fmt.Sprintf("surge-%d", s.n),
		"author": fmt.Sprintf("@fan%d", s.n), "text": NearDuplicate(s.n),
		"created_at": s.at.Add(time.Duration(s.n) * time.Second).Format(time.RFC3339)}
}

// Mix returns stream with reports spread evenly through it, so that they
// make up share of the result, and how many it added.
func (s *Surge) Mix(stream []items.NewItem, share float64) ([]any, int) {
	reports := int(float64(len(stream))*share/(1-share) + 0.5)
	out := make([]any, 0, len(stream)+reports)
	for i, j := 0, 0; i < len(stream) || j < reports; {
		if j < reports && (i >= len(stream) || j*len(stream) <= i*reports) {
			out = append(out, s.Report())
			j++
			continue
		}
		out = append(out, stream[i])
		i++
	}
	return out, reports
}

func (r *runner) surge(ctx context.Context) (*SurgeResult, error) {
	at := time.Now().Add(-30 * time.Minute)
	stream, err := demo.Stream(at)
	if err != nil {
		return nil, err
	}
	if r.sizes.surgeStream > 0 {
		stream = stream[:min(r.sizes.surgeStream, len(stream))]
	}
	r.progress("surge: an incident opened, then %d demo items with %.0f%% near-duplicate reports of it mixed in", len(stream), SurgeShare*100)
	s, err := r.startStack(ctx, stackOptions{part: PartSurge, worker: true})
	if err != nil {
		return nil, err
	}
	res, err := measureSurge(ctx, s, NewSurge(at), stream)
	return res, joinClose(err, s)
}

func measureSurge(ctx context.Context, s *stack, surge *Surge, stream []items.NewItem) (*SurgeResult, error) {
	// The incident is ongoing: its first report, then enough others to
	// open it.
	seed := config.Default().IncidentSize + 2
	first := []any{surge.Report()}
	rest := make([]any, 0, seed-1)
	for range seed - 1 {
		rest = append(rest, surge.Report())
	}
	if err := postSettled(ctx, s, first, 1); err != nil {
		return nil, err
	}
	if err := postSettled(ctx, s, rest, seed); err != nil {
		return nil, err
	}
	inheritedBefore, _, _, open, err := surgeCounts(ctx, s)
	if err != nil {
		return nil, err
	}
	if open != 1 {
		return nil, fmt.Errorf("the %d seed reports opened %d incidents, want 1", seed, open)
	}
	before := s.model.classify.Load()
	all, reports := surge.Mix(stream, SurgeShare)
	if err := postSettled(ctx, s, all, seed+len(all)); err != nil {
		return nil, err
	}
	inherited, prefiltered, _, _, err := surgeCounts(ctx, s)
	if err != nil {
		return nil, err
	}
	calls := int(s.model.classify.Load() - before)
	return &SurgeResult{Items: len(all), Reports: reports, Calls: calls, CallsPerItem: float64(calls) / float64(len(all)),
		Inherited: inherited - inheritedBefore, Prefiltered: prefiltered}, nil
}

// postSettled posts objects in batches of surgeBatch, then waits until
// the pipeline has settled with total items.
func postSettled(ctx context.Context, s *stack, objects []any, total int) error {
	for i := 0; i < len(objects); i += surgeBatch {
		part := objects[i:min(i+surgeBatch, len(objects))]
		body, err := json.Marshal(map[string]any{"items": part})
		if err != nil {
			return err
		}
		if err := s.post(ctx, batch{body: body, n: len(part)}); err != nil {
			return err
		}
	}
	return s.waitSettled(ctx, total, 5*time.Minute)
}

// surgeCounts returns the classifications inherited so far, the items
// prefiltered, the incidents' members and the open incidents.
func surgeCounts(ctx context.Context, s *stack) (inherited, prefiltered, members, open int, err error) {
	err = s.pool.QueryRow(ctx, queries.Get("SurgeCounts")).Scan(&inherited, &prefiltered, &members, &open)
	if err != nil {
		err = fmt.Errorf("count surge outcomes: %w", err)
	}
	return inherited, prefiltered, members, open, err
}

func (x *SurgeResult) describe() string {
	if x == nil {
		return ""
	}
	return fmt.Sprintf("surge: %d items (%d near-duplicate reports of the open incident): %d classification calls (%.2f per other item), %d inherited, %d prefiltered",
		x.Items, x.Reports, x.Calls, float64(x.Calls)/float64(x.Items-x.Reports), x.Inherited, x.Prefiltered)
}
