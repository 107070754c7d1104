package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/triage-oss/triage/internal/app"
	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/eval"
	"github.com/triage-oss/triage/internal/metrics"
	"github.com/triage-oss/triage/internal/routing"
)

func init() {
	register("rules check", "validate a routing rules file (default: TRIAGE_ROUTING_RULES or the built-in rules) and summarise it", runRulesCheck)
	register("rules default", "print the built-in routing rules, a starting point for your own", runRulesDefault)
	register("metrics report", "managers' metrics from item history, by day, channel, intent or team", runMetricsReport)
	register("metrics rebuild", "recompute the live /metrics counters from item history", runMetricsRebuild)
}

func runRulesDefault(_ context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("rules default takes no arguments")
	}
	_, err := e.stdout.Write(routing.DefaultYAML())
	return err
}

func runRulesCheck(_ context.Context, e *env, args []string) error {
	var file string
	if n := len(args); n > 0 && !strings.HasPrefix(args[n-1], "-") && (n == 1 || !strings.HasPrefix(args[n-2], "-") || strings.Contains(args[n-2], "=")) {
		file, args = args[n-1], args[:n-1]
	}
	cfg, err := config.Parse("triage rules check [FILE]", args, e.getenv, e.stderr, config.Need{})
	if err != nil {
		return err
	}
	if file != "" {
		cfg.RoutingRules = file
	}
	r, err := app.RoutingRules(cfg)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%s: valid\n\n", r.Source())
	fmt.Fprintln(tw, "PRIORITY\tSLA\tON BREACH")
	for _, p := range r.Priorities() {
		esc := "owner told"
		if r.Escalates(p) {
			d := r.Escalate(routing.Decision{Priority: p, SLA: r.SLA(p)})
			esc = strings.TrimSpace(fmt.Sprintf("%s %s", ifSet("raise to "+d.Priority, d.Priority != p), ifSet("notify "+d.Notify, d.Notify != "")))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", p, r.SLA(p), esc)
	}
	fmt.Fprintln(tw, "\nTEAM\tWEBHOOK")
	for _, name := range r.Teams() {
		t, _ := r.Team(name)
		hook := "-"
		if t.Webhook != "" {
			hook = t.Format
			if t.Secret != "" {
				hook += ", signed"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\n", name, hook)
	}
	team, prio := r.Fallback()
	fmt.Fprintf(tw, "\ndefault: %s, %s; QA sample of auto-closed items: %.0f%%\n", team, prio, 100*r.QASample())
	return tw.Flush()
}

func ifSet(s string, ok bool) string {
	if ok {
		return s
	}
	return ""
}

func runMetricsReport(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("triage metrics report", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	group := fs.String("group", "day", "rows by day, channel, intent, team, or \"\" for the totals alone")
	from := fs.String("from", "", "first day (2026-11-01) or RFC 3339 time; default: 30 days ago")
	to := fs.String("to", "", "end, exclusive; default: now")
	channel := fs.String("channel", "", "only this channel")
	team := fs.String("team", "", "only this team")
	intent := fs.String("intent", "", "only this intent")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Parse("triage metrics report", nil, e.getenv, e.stderr, config.Need{})
	if err != nil {
		return err
	}
	f := metrics.Filter{From: time.Now().AddDate(0, 0, -30), Channel: *channel, Team: *team, Intent: *intent}
	for _, p := range []struct {
		v   string
		dst *time.Time
	}{{*from, &f.From}, {*to, &f.To}} {
		if p.v == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, p.v)
		if err != nil {
			if t, err = time.Parse(time.RFC3339, p.v); err != nil {
				return fmt.Errorf("bad time %q: want 2026-11-01 or an RFC 3339 time", p.v)
			}
		}
		*p.dst = t
	}
	pool, err := app.OpenDatabase(ctx, cfg.DatabaseURL, 2)
	if err != nil {
		return err
	}
	defer pool.Close()
	prices, err := eval.LoadPrices(cfg.PricesFile)
	if err != nil {
		return fmt.Errorf("TRIAGE_PRICES: %w", err)
	}
	rep, err := metrics.NewService(pool, prices).Report(ctx, f, metrics.Group(*group))
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, strings.ToUpper(cmpStr(*group, "all"))+"\tITEMS\tAUTO-CLOSED\tQA PRECISION\tNOISE\tRESPONDED\tTTFR P50\tTTFR P90\tRESOLVED\tSLA MET\tCALLS/ITEM\tCOST/ITEM\t")
	for _, row := range append(rep.Rows, rep.Total) {
		key := cmpStr(row.Key, "total")
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", key, row.Volume, pctOf(row.AutoClosureRate),
			pctOf(row.AuditedPrecision), pctOf(row.NoiseShare), pctOf(row.ResponseRate), dur(row.TimeToFirstResponseP50Sec),
			dur(row.TimeToFirstResponseP90Sec), pctOf(row.ResolutionRate), pctOf(row.SLAAdherence), num(row.ModelCallsPerItem, "%.2f"),
			num(row.CostPerItemUSD, "$%.5f"))
	}
	return tw.Flush()
}

func cmpStr(s, dflt string) string {
	if s == "" {
		return dflt
	}
	return s
}

func pctOf(v *float64) string { return num(v, "%.1f%%", 100) }

func num(v *float64, format string, scale ...float64) string {
	if v == nil {
		return "-"
	}
	x := *v
	for _, s := range scale {
		x *= s
	}
	return fmt.Sprintf(format, x)
}

func dur(sec *float64) string {
	if sec == nil {
		return "-"
	}
	return time.Duration(*sec * float64(time.Second)).Round(time.Second).String()
}

func runMetricsRebuild(ctx context.Context, e *env, args []string) error {
	cfg, err := config.Parse("triage metrics rebuild", args, e.getenv, e.stderr, config.Need{})
	if err != nil {
		return err
	}
	pool, err := app.OpenDatabase(ctx, cfg.DatabaseURL, 2)
	if err != nil {
		return err
	}
	defer pool.Close()
	live, err := metrics.NewService(pool, nil).Rebuild(ctx)
	if err != nil {
		return err
	}
	var items int64
	for _, c := range live.Items {
		items += c.N
	}
	if items < 0 {
		return errors.New("rebuild: negative item count")
	}
	fmt.Fprintf(e.stdout, "counters rebuilt from history: %d items, %d transition keys, %d annotation keys, %d model-call keys\n",
		items, len(live.Transitions), len(live.Annotations), len(live.ModelCalls))
	return nil
}
