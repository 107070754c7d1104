package clusters

import (
	"cmp"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pgvector/pgvector-go"

	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/postgres"
)

//go:embed queries.sql
var queriesSQL string

var queries = postgres.ParseQueries(queriesSQL)

// Embedder turns texts into vectors (internal/embed).
type Embedder interface {
	Model() string
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// Defaults of Config.
const (
	DefaultThreshold      = 0.8
	DefaultWindow         = 12 * time.Hour
	DefaultIncidentSize   = 10
	DefaultIncidentWindow = time.Hour
	// maxTextBytes bounds the part of an item compared.
	maxTextBytes = 2000
	// candidates is how many nearest recent items of the family the index
	// proposes; the best of them that qualifies is the match.
	candidates = 20
)

// Config tunes near-duplicate detection.
type Config struct {
	// Threshold is the cosine similarity from which an item is a
	// near-duplicate. Defaults to DefaultThreshold.
	Threshold float64
	// Window is how far back near-duplicates are looked for.
	Window time.Duration
	// A cluster with IncidentSize items received within IncidentWindow
	// opens an incident.
	IncidentSize   int
	IncidentWindow time.Duration
	// DefaultTeam and DefaultPriority own an incident whose first item
	// was not routed yet.
	DefaultTeam, DefaultPriority string
}

func (c Config) withDefaults() Config {
	c.Threshold = cmp.Or(c.Threshold, DefaultThreshold)
	c.Window = cmp.Or(c.Window, DefaultWindow)
	c.IncidentSize = cmp.Or(c.IncidentSize, DefaultIncidentSize)
	c.IncidentWindow = cmp.Or(c.IncidentWindow, DefaultIncidentWindow)
	c.DefaultTeam = cmp.Or(c.DefaultTeam, "support")
	c.DefaultPriority = cmp.Or(c.DefaultPriority, "p2")
	return c
}

// Matcher finds and records near-duplicates.
type Matcher struct {
	pool     *pgxpool.Pool
	embedder Embedder
	cfg      Config
}

// NewMatcher returns a Matcher embedding with e.
func NewMatcher(pool *pgxpool.Pool, e Embedder, cfg Config) *Matcher {
	return &Matcher{pool: pool, embedder: e, cfg: cfg.withDefaults()}
}

// Match is a near-duplicate found for an item.
type Match struct {
	Origin     int64   // the item whose classification it inherits
	Similarity float64 // cosine similarity, in [Threshold, 1]
	// Pending: Origin is an older item still waiting for triage (a burst
	// of near-duplicates arrived together). Waiting for it to be
	// classified saves a model call; see pipeline.WorkerConfig.OriginWait.
	Pending bool
}

// MinWords is the number of words (runs of letters or digits) below which
// an item is never matched: emoji, a link or "same" say too little for two
// items to be the same message.
const MinWords = 3

// Find embeds the item, stores its vector (so later items can match it),
// and returns the most similar recent classified item of its channel
// family if it is similar enough; failing that, an older similar item
// still waiting for triage, with Pending set.
func (m *Matcher) Find(ctx context.Context, it items.Item) (Match, bool, error) {
	if countWords(it.Text, MinWords) < MinWords {
		return Match{}, false, nil
	}
	text := it.Text
	if len(text) > maxTextBytes {
		text = text[:maxTextBytes]
	}
	vecs, err := m.embedder.Embed(ctx, []string{text})
	if err != nil {
		return Match{}, false, fmt.Errorf("embed item %d: %w", it.ID, err)
	}
	v, fam := pgvector.NewVector(vecs[0]), Family(it.Channel)
	sketch := pgvector.NewHalfVector(Sketch(vecs[0]))
	near, err := m.nearest(ctx, fam, v, sketch, it)
	if err != nil {
		return Match{}, false, fmt.Errorf("near-duplicates of item %d: %w", it.ID, err)
	}
	mt, ok := pick(near, it.ID, m.cfg.Threshold)
	return mt, ok, nil
}

// neighbour is a recent item of the family near the one matched.
type neighbour struct {
	id         int64
	similarity float64
	state      items.State
}

// pick returns the most similar neighbour at or above threshold that has a
// classification, own or inherited; failing that, the most similar one
// received before the item (a lower id) and still waiting for triage.
func pick(near []neighbour, id int64, threshold float64) (Match, bool) {
	var pending *neighbour
	for i, n := range near {
		if n.similarity < threshold {
			continue
		}
		switch {
		case classifiedStates[n.state]:
			return Match{Origin: n.id, Similarity: n.similarity}, true
		case n.state == items.StateReceived && n.id < id && (pending == nil || n.similarity > pending.similarity):
			pending = &near[i]
		}
	}
	if pending != nil {
		return Match{Origin: pending.id, Similarity: pending.similarity, Pending: true}, true
	}
	return Match{}, false
}

// classifiedStates are the states of an item that has a classification a
// near-duplicate can inherit.
var classifiedStates = map[items.State]bool{
	items.StateClassified: true, items.StatePendingReview: true, items.StateApproved: true,
	items.StateReplied: true, items.StateClosed: true, items.StateAutoClosed: true,
}

// nearest stores the item's vector and sketch (so later items can match
// it) and returns the nearest recent items of the family embedded with the
// matcher's model (received within the window, other than the item; at
// most candidates), by exact cosine similarity, best first. The family's
// HNSW index over sketches proposes them; pgvector's iterative scan keeps
// reading it while the window and the model leave fewer than candidates.
func (m *Matcher) nearest(ctx context.Context, family string, v pgvector.Vector, sketch pgvector.HalfVector, it items.Item) ([]neighbour, error) {
	search, ok := searches[family]
	if !ok {
		return nil, fmt.Errorf("no index for channel family %q", family)
	}
	// The vector is committed before the search: of two near-duplicates
	// triaged at the same moment, each then sees the other, and the later
	// one waits for the earlier's classification. Stored and searched in
	// one transaction, neither would see the other and both would cost a
	// model call.
	if _, err := m.pool.Exec(ctx, queries.Get("StoreEmbedding"), it.ID, m.embedder.Model(), family, it.ReceivedAt, v, sketch); err != nil {
		return nil, fmt.Errorf("store the vector: %w", err)
	}
	var out []neighbour
	err := pgx.BeginFunc(ctx, m.pool, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue("SET LOCAL hnsw.ef_search = 40")
		b.Queue("SET LOCAL hnsw.iterative_scan = relaxed_order")
		// A family without recent items would have the scan read the
		// whole index: a thousand tuples is plenty for twenty.
		b.Queue("SET LOCAL hnsw.max_scan_tuples = 1000")
		b.Queue(search, sketch, it.ReceivedAt.Add(-m.cfg.Window), it.ID, candidates, v, m.embedder.Model()).Query(func(rows pgx.Rows) error {
			var n neighbour
			_, err := pgx.ForEachRow(rows, []any{&n.id, &n.similarity, &n.state}, func() error {
				out = append(out, n)
				return nil
			})
			return err
		})
		return tx.SendBatch(ctx, b).Close()
	})
	return out, err
}

// searches holds the near-duplicate search of each family: the family is
// a literal in the query, so that every plan of it can use the family's
// partial index.
var searches = func() map[string]string {
	out := map[string]string{}
	for _, f := range []string{FamilySocial, FamilyChat, FamilyCommunity, FamilyDirect} {
		out[f] = fmt.Sprintf(queries.Get("Nearest"), f)
	}
	return out
}()

// countWords counts the runs of letters or digits in s, stopping at limit.
func countWords(s string, limit int) int {
	n, in := 0, false
	for _, r := range s {
		w := unicode.IsLetter(r) || unicode.IsDigit(r)
		if w && !in {
			if n++; n >= limit {
				return n
			}
		}
		in = w
	}
	return n
}

// Joined is the cluster an item joined, and the incident it opened, if it
// tipped the cluster over its baseline.
type Joined struct {
	Cluster        int64
	Incident       int64 // 0 when none is open
	OpenedIncident bool  // the join opened it
}

// Join puts item into origin's cluster (creating the cluster, of the
// item's channel family, on the first near-duplicate) in tx, and opens an
// incident when the cluster now has IncidentSize items received within
// IncidentWindow.
func (m *Matcher) Join(ctx context.Context, tx pgx.Tx, item items.Item, origin int64, at time.Time) (Joined, error) {
	var j Joined
	var cluster *int64
	if err := tx.QueryRow(ctx, queries.Get("ClusterOf"), origin).Scan(&cluster); err != nil {
		return j, fmt.Errorf("cluster of item %d: %w", origin, err)
	}
	if cluster == nil {
		var id int64
		if err := tx.QueryRow(ctx, queries.Get("NewCluster"), Family(item.Channel), origin, at).Scan(&id); err != nil {
			return j, fmt.Errorf("new cluster: %w", err)
		}
		if _, err := tx.Exec(ctx, queries.Get("SetCluster"), origin, id); err != nil {
			return j, err
		}
		cluster = &id
	}
	j.Cluster = *cluster
	if _, err := tx.Exec(ctx, queries.Get("SetCluster"), item.ID, j.Cluster); err != nil {
		return j, err
	}
	var size int
	if err := tx.QueryRow(ctx, queries.Get("GrowCluster"), j.Cluster, at).Scan(&size); err != nil {
		return j, fmt.Errorf("grow cluster %d: %w", j.Cluster, err)
	}
	return j, m.incident(ctx, tx, &j, at)
}

func (m *Matcher) incident(ctx context.Context, tx pgx.Tx, j *Joined, at time.Time) error {
	var state string
	err := tx.QueryRow(ctx, queries.Get("IncidentOf"), j.Cluster).Scan(&j.Incident, &state)
	switch {
	case err == nil && state == "open":
		return nil
	case err == nil:
		j.Incident = 0 // closed: a new surge reopens nothing; members are handled one by one
		return nil
	case !errors.Is(err, pgx.ErrNoRows):
		return err
	}
	var recent int
	if err := tx.QueryRow(ctx, queries.Get("RecentMembers"), j.Cluster, at.Add(-m.cfg.IncidentWindow)).Scan(&recent); err != nil {
		return err
	}
	if recent < m.cfg.IncidentSize {
		return nil
	}
	err = tx.QueryRow(ctx, queries.Get("OpenIncident"), j.Cluster, at, m.cfg.DefaultTeam, m.cfg.DefaultPriority).Scan(&j.Incident)
	if errors.Is(err, pgx.ErrNoRows) { // opened concurrently
		return tx.QueryRow(ctx, queries.Get("IncidentOf"), j.Cluster).Scan(&j.Incident, &state)
	}
	j.OpenedIncident = err == nil
	return err
}
