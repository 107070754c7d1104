package metrics

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
)

// Live is what Triage has done since its history began, as the counters of
// migration 008 hold it (see [Service.Live]) or as the history recomputes
// it (see [Service.Recount]). Every list is sorted by name, then channel
// (or backend, then outcome).
type Live struct {
	// Transitions counts state changes per state entered and channel,
	// including every item's first event (entering received).
	Transitions []Count `json:"transitions"`
	// Annotations counts events that left the state unchanged, per event
	// name (detail->>'event': routed, sla_breached...) and channel.
	Annotations []Count `json:"annotations"`
	// Items counts the items per current state and channel (a gauge).
	Items []Count `json:"items"`
	// ModelCalls counts model calls and their tokens per backend and
	// outcome, whether or not they were about an item.
	ModelCalls []CallCount `json:"model_calls"`
	// QA counts the QA reviews of auto-closed items by verdict.
	QA QACount `json:"qa"`
}

// Count is one counter of [Live].
type Count struct {
	Name    string `json:"name"` // the state or the event
	Channel string `json:"channel"`
	N       int64  `json:"n"`
}

// CallCount is the model calls of one backend that ended with one outcome.
type CallCount struct {
	Backend          string `json:"backend"`
	Outcome          string `json:"outcome"`
	Calls            int64  `json:"calls"`
	PromptTokens     int64  `json:"prompt_tokens"`
	CompletionTokens int64  `json:"completion_tokens"`
}

// QACount is the QA reviews of auto-closed samples (closed by a policy rule
// or by the prefilter) by verdict.
type QACount struct {
	Correct   int64 `json:"correct"`
	Incorrect int64 `json:"incorrect"`
	Pending   int64 `json:"pending"` // sampled, no verdict yet
}

// Precision is the audited precision of auto-closure, correct over
// correct plus incorrect, or nil before the first verdict.
func (q QACount) Precision() *float64 { return ratio(q.Correct, q.Correct+q.Incorrect) }

// Live reads the live counters (summed over their delta rows) and the QA
// verdicts. It reads a few rows per counter key, not the history: cheap
// enough for every scrape.
func (s *Service) Live(ctx context.Context) (Live, error) {
	l, err := readLive(ctx, s.pool, "Live")
	if err != nil {
		return Live{}, fmt.Errorf("read live counters: %w", err)
	}
	return l, nil
}

// Recount computes the numbers of [Service.Live] from the history: the
// item_events, items, model_calls and qa_reviews rows there are, plus the
// tallies the counters keep of history rows since deleted (counters never
// go down). It scans the whole history: a check, not a scrape. Run while
// nothing writes, it equals Live exactly.
func (s *Service) Recount(ctx context.Context) (Live, error) {
	l, err := readLive(ctx, s.pool, "Recount")
	if err != nil {
		return Live{}, fmt.Errorf("recount from history: %w", err)
	}
	return l, nil
}

// Compact replaces the delta rows the triggers append to the counter
// tables by one row per key. It is safe to run at any time, concurrently
// with writers and with itself; the collector runs it on every scrape, so
// that the counter tables stay a few rows per key.
func (s *Service) Compact(ctx context.Context) error {
	for _, q := range []string{"CompactEventCounts", "CompactStateCounts", "CompactCallCounts"} {
		if _, err := s.pool.Exec(ctx, queries.Get(q)); err != nil {
			return fmt.Errorf("compact counters (%s): %w", q, err)
		}
	}
	return nil
}

// Rebuild resets the counters to what the history recomputes (see
// [Service.Recount]) in one transaction, and returns them. It locks the
// history tables against writes until it commits, so run it when Triage is
// quiet: after a TRUNCATE, a restore or a manual repair of the history,
// which the triggers do not count.
func (s *Service) Rebuild(ctx context.Context) (Live, error) {
	var l Live
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, q := range []string{"LockForRebuild", "LockCounters", "RebuildEventCounts", "RebuildStateCounts",
			"RebuildCallCounts", "CompactEventCounts", "CompactCallCounts"} {
			if _, err := tx.Exec(ctx, queries.Get(q)); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		var err error
		l, err = readLive(ctx, tx, "Live")
		return err
	})
	if err != nil {
		return Live{}, fmt.Errorf("rebuild counters: %w", err)
	}
	return l, nil
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// readLive runs Live or Recount, which return rows of (kind, name,
// channel or outcome, n, prompt tokens, completion tokens).
func readLive(ctx context.Context, db querier, query string) (Live, error) {
	rows, err := db.Query(ctx, queries.Get(query))
	if err != nil {
		return Live{}, err
	}
	defer rows.Close()
	var l Live
	for rows.Next() {
		var kind, name, channel string
		var n, prompt, completion int64
		if err := rows.Scan(&kind, &name, &channel, &n, &prompt, &completion); err != nil {
			return Live{}, err
		}
		l.add(kind, name, channel, n, prompt, completion)
	}
	if err := rows.Err(); err != nil {
		return Live{}, err
	}
	l.sort()
	return l, nil
}

func (l *Live) add(kind, name, channel string, n, prompt, completion int64) {
	c := Count{Name: name, Channel: channel, N: n}
	switch kind {
	case "transition":
		l.Transitions = append(l.Transitions, c)
	case "annotation":
		l.Annotations = append(l.Annotations, c)
	case "item":
		l.Items = append(l.Items, c)
	case "model_call":
		l.ModelCalls = append(l.ModelCalls, CallCount{Backend: name, Outcome: channel, Calls: n,
			PromptTokens: prompt, CompletionTokens: completion})
	case "qa":
		switch name {
		case "correct":
			l.QA.Correct = n
		case "incorrect":
			l.QA.Incorrect = n
		default:
			l.QA.Pending = n
		}
	}
}

func (l *Live) sort() {
	byKey := func(a, b Count) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Channel, b.Channel)) }
	slices.SortFunc(l.Transitions, byKey)
	slices.SortFunc(l.Annotations, byKey)
	slices.SortFunc(l.Items, byKey)
	slices.SortFunc(l.ModelCalls, func(a, b CallCount) int {
		return cmp.Or(cmp.Compare(a.Backend, b.Backend), cmp.Compare(a.Outcome, b.Outcome))
	})
}
