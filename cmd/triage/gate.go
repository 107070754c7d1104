package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"text/tabwriter"

	"github.com/triage-oss/triage/internal/app"
	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/eval"
)

func init() {
	register("eval gate", "fail when a field's macro-F1 falls more than a margin below a committed baseline", runGate)
}

func runGate(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("triage eval gate", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	update := fs.Bool("update", false, "write the current numbers into the baseline instead of checking them")
	var baselines []string
	fs.Func("baseline", "baseline file (repeatable); e.g. evals/baselines/local-core.json", func(s string) error {
		baselines = append(baselines, s)
		return nil
	})
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	baselines = append(baselines, fs.Args()...)
	if len(baselines) == 0 {
		return errors.New("usage: triage eval gate [--update] --baseline FILE [--baseline FILE...]")
	}
	var failed []string
	for _, path := range baselines {
		ok, err := gate(ctx, cfg, e, path, *update)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if !ok {
			failed = append(failed, path)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("eval gate failed: %v", failed)
	}
	return nil
}

// gate runs one baseline's eval and checks (or updates) it.
func gate(ctx context.Context, cfg config.Config, e *env, path string, update bool) (bool, error) {
	b, err := eval.LoadBaseline(path)
	if err != nil {
		return false, err
	}
	f := evalFlags{set: b.Set, EvalOptions: app.EvalOptions{Backend: b.Backend, Cassette: b.Cassette, Prompt: b.Prompt, Concurrency: 8}}
	res, _, err := evaluate(ctx, cfg, e, f)
	if err != nil {
		return false, err
	}
	if update {
		b.Update(res)
		fmt.Fprintf(e.stdout, "gate %s: baseline updated from %s (%s)\n", path, b.Set, b.Backend)
		return true, b.Save(path)
	}
	results, pass := b.Check(res)
	fmt.Fprintf(e.stdout, "gate %s: %s on %s, margin %.3f\n", path, b.Backend, b.Set, b.Margin)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  FIELD\tBASELINE\tNOW\tDELTA\tVERDICT")
	for _, r := range results {
		verdict := "ok"
		if !r.Pass {
			verdict = "REGRESSION"
		}
		delta := math.Round(r.Delta*1e4)/1e4 + 0 // + 0 turns -0 into 0
		fmt.Fprintf(tw, "  %s\t%.4f\t%.4f\t%+.4f\t%s\n", r.Field, r.Baseline, r.Got, delta, verdict)
	}
	return pass, tw.Flush()
}
