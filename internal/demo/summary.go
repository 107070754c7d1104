package demo

import (
	"cmp"
	"context"
	_ "embed"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/postgres"
)

//go:embed queries.sql
var queriesSQL string

var queries = postgres.ParseQueries(queriesSQL)

// triaged is one item as the summary sees it.
type triaged struct {
	ID                     int64
	Channel, State, Reason string
	Team                   string
	Intent, Risk, Severity *string
	Sarcasm                *bool
	Summary, Backend       *string
}

// Summary is what the demo reports once every item is triaged.
type Summary struct {
	Total     int
	ByState   map[string]int
	ByChannel map[string]int
	ByIntent  map[string]int
	ByRisk    map[string]int
	ByTeam    map[string]int // routed items per owning team
	Sarcastic int
	// Inherited items took a near-duplicate's classification, without a
	// model call; Incidents are surges, IncidentItems their members.
	Inherited, Incidents, IncidentItems int
	ModelCalls                          int
	Tokens                              int
	// Risky lists the most severe risk items, for a first look.
	Risky []triaged
}

// Summarize reads the demo database.
func Summarize(ctx context.Context, pool *pgxpool.Pool) (Summary, error) {
	rows, err := pool.Query(ctx, queries.Get("Triaged"))
	if err != nil {
		return Summary{}, fmt.Errorf("summarize: %w", err)
	}
	all, err := pgx.CollectRows(rows, pgx.RowToStructByPos[triaged])
	if err != nil {
		return Summary{}, fmt.Errorf("summarize: %w", err)
	}
	s := Summary{Total: len(all), ByState: map[string]int{}, ByChannel: map[string]int{}, ByIntent: map[string]int{}, ByRisk: map[string]int{},
		ByTeam: map[string]int{}}
	for _, t := range all {
		s.ByState[t.State]++
		s.ByChannel[t.Channel]++
		if t.Team != "" {
			s.ByTeam[t.Team]++
		}
		if t.Backend != nil && *t.Backend == "inherited" && t.State != string(items.StateDuplicate) {
			s.Inherited++
		}
		if t.Intent == nil {
			continue
		}
		s.ByIntent[*t.Intent]++
		s.ByRisk[*t.Risk]++
		if *t.Sarcasm {
			s.Sarcastic++
		}
		if *t.Risk != "none" && *t.Risk != "spam" && t.State != string(items.StateDuplicate) {
			s.Risky = append(s.Risky, t)
		}
	}
	slices.SortStableFunc(s.Risky, func(a, b triaged) int { return severityRank(*b.Severity) - severityRank(*a.Severity) })
	if err := pool.QueryRow(ctx, queries.Get("ModelCalls")).Scan(&s.ModelCalls, &s.Tokens); err != nil {
		return Summary{}, fmt.Errorf("summarize: %w", err)
	}
	if err := pool.QueryRow(ctx, queries.Get("Incidents")).Scan(&s.Incidents, &s.IncidentItems); err != nil {
		return Summary{}, fmt.Errorf("summarize: %w", err)
	}
	return s, nil
}

func severityRank(s string) int {
	return slices.Index([]string{"low", "medium", "high", "critical"}, s)
}

func printSummary(ctx context.Context, out io.Writer, pool *pgxpool.Pool, backend string, took time.Duration) error {
	s, err := Summarize(ctx, pool)
	if err != nil {
		return err
	}
	s.Print(out, backend, took)
	return nil
}

// Print writes the summary for a person.
func (s Summary) Print(out io.Writer, backend string, took time.Duration) {
	fmt.Fprintf(out, "\n%d items from %d channels triaged in %.1fs with the %s backend.\n\n", s.Total, len(s.ByChannel), took.Seconds(), backend)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "BY STATE\t\tBY INTENT\t\tBY RISK\t")
	states, intents, risks := ranked(s.ByState), ranked(s.ByIntent), ranked(s.ByRisk)
	for i := range max(len(states), len(intents), len(risks)) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t\n", cell(states, s.ByState, i), cell(intents, s.ByIntent, i), cell(risks, s.ByRisk, i))
	}
	tw.Flush()
	filtered, dups := s.ByState[string(items.StateFiltered)], s.ByState[string(items.StateDuplicate)]
	fmt.Fprintf(out, "\nnoise filtered:   %d (%.0f%%): %d closed by the local prefilter, %d exact duplicates\n",
		filtered+dups, pct(filtered+dups, s.Total), filtered, dups)
	fmt.Fprintf(out, "auto-closed:      %d by the auto-closure policy (confident noise and praise, never a risk); a share is sampled for QA review\n",
		s.ByState[string(items.StateAutoClosed)])
	fmt.Fprintf(out, "near-duplicates:  %d inherited a recent item's classification; %d incidents (surges) hold %d items\n",
		s.Inherited, s.Incidents, s.IncidentItems)
	fmt.Fprintf(out, "review queue:     %d drafted replies wait for a reviewer (pending_review); none is sent without approval\n",
		s.ByState[string(items.StatePendingReview)])
	fmt.Fprintf(out, "for their owners: %d classified items get no draft (risks to escalate, chatter); %d handed to a human (needs_human)\n",
		s.ByState[string(items.StateClassified)], s.ByState[string(items.StateNeedsHuman)])
	if teams := ranked(s.ByTeam); len(teams) > 0 {
		parts := make([]string, len(teams))
		for i, t := range teams {
			parts[i] = fmt.Sprintf("%s %d", t, s.ByTeam[t])
		}
		fmt.Fprintf(out, "routed to teams:  %s (each with an SLA deadline)\n", strings.Join(parts, ", "))
	}
	fmt.Fprintf(out, "sarcasm detected: %d items\n", s.Sarcastic)
	fmt.Fprintf(out, "model calls:      %d (%d tokens)\n", s.ModelCalls, s.Tokens)
	if len(s.Risky) > 0 {
		fmt.Fprintln(out, "\nmost severe risk items:")
		for _, t := range s.Risky[:min(8, len(s.Risky))] {
			fmt.Fprintf(out, "  #%-4d %-8s %-15s %-8s %s\n", t.ID, t.Channel, *t.Risk, *t.Severity, clip(*t.Summary, 70))
		}
	}
}

// ranked returns m's keys, largest count first.
func ranked(m map[string]int) []string {
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(m[b]-m[a], strings.Compare(a, b)) })
	return keys
}

func cell(keys []string, m map[string]int, i int) string {
	if i >= len(keys) {
		return "\t"
	}
	return fmt.Sprintf("%s\t%d", keys[i], m[keys[i]])
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
