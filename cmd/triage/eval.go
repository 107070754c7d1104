package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/triage-oss/triage/internal/app"
	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/eval"
	"github.com/triage-oss/triage/internal/taxonomy"
)

func init() {
	register("eval run", "measure a backend and prompt version on an eval set (scores, confusion, calibration, cost, latency)", runEval)
	register("eval compare", "compare two runs item by item: deltas with confidence intervals, McNemar, flipped items", runCompare)
}

func runCompare(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("triage eval compare", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	asJSON := fs.Bool("json", false, "print the comparison as JSON")
	htmlOut := fs.String("html", "", "also write a standalone HTML report to this file")
	seed := fs.Uint64("seed", 1, "seed of the bootstrap resampling")
	resamples := fs.Int("resamples", eval.DefaultResamples, "bootstrap resamples")
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return err
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return errors.New("usage: triage eval compare RUN_A RUN_B [--json] [--html FILE] (a run is a stored run id or a --json file)")
	}
	a, err := loadRun(ctx, cfg, pos[0])
	if err != nil {
		return err
	}
	b, err := loadRun(ctx, cfg, pos[1])
	if err != nil {
		return err
	}
	c, err := eval.Compare(a, b, eval.CompareOptions{Seed: *seed, Resamples: *resamples})
	if err != nil {
		return err
	}
	if *htmlOut != "" {
		f, err := os.Create(*htmlOut)
		if err != nil {
			return err
		}
		if err := c.HTML(f); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(c)
	}
	return c.Markdown(e.stdout)
}

// evalFlags are the flags that say what an eval measures.
type evalFlags struct {
	set, jsonOut, predOut string
	noStore               bool
	app.EvalOptions
}

func (f *evalFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.set, "set", "", "eval set (JSONL); required")
	fs.StringVar(&f.jsonOut, "json", "", "write the run (report and every item's outcome) as JSON to this file")
	fs.StringVar(&f.predOut, "predictions", "", "write one prediction per item (JSONL) to this file")
	fs.BoolVar(&f.noStore, "no-store", false, "do not store the run in the database")
	fs.StringVar(&f.Prompt, "prompt", "", "classify prompt version to run, released or not (default: TRIAGE_PROMPT_CLASSIFY)")
	fs.StringVar(&f.Cassette, "cassette", "", "with --backend replay: the recorded cassette directory")
	fs.StringVar(&f.Record, "record", "", "record every model answer into this cassette directory")
	fs.BoolVar(&f.Cascade, "cascade", false, "put the local prefilter in front of the backend and report calls avoided and the precision of its closes")
	fs.IntVar(&f.Concurrency, "concurrency", 8, "model calls in flight")
}

func runEval(ctx context.Context, e *env, args []string) error {
	var f evalFlags
	fs := flag.NewFlagSet("triage eval run", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	f.register(fs)
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return err
	}
	cfg.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if f.set == "" || fs.NArg() > 0 {
		return errors.New("usage: triage eval run --set FILE [--backend local|openai|ollama|replay] [--prompt classify/v2] [--cassette DIR | --record DIR] [--cascade] [--json RUN.json] [--predictions FILE]")
	}
	if err := cfg.Validate(config.Need{}); err != nil {
		return err
	}
	f.Backend = cfg.Backend
	// The database that will store the run is checked before any model
	// call is spent: a run that cannot be stored fails now, not at the end.
	var pool *pgxpool.Pool
	if !f.noStore {
		if pool, err = app.OpenDatabase(ctx, cfg.DatabaseURL, 2); err != nil {
			return fmt.Errorf("%w (or pass --no-store)", err)
		}
		defer pool.Close()
	}
	res, preds, err := evaluate(ctx, cfg, e, f)
	if err != nil {
		return err
	}
	printRun(e.stdout, res)
	if f.jsonOut != "" {
		if err := writeJSONFile(f.jsonOut, res); err != nil {
			return err
		}
	}
	if f.predOut != "" {
		if err := writeJSONLines(f.predOut, preds); err != nil {
			return err
		}
	}
	if pool != nil {
		return storeRun(ctx, pool, e, f.set, res)
	}
	return nil
}

// evaluate runs the eval f describes, with a progress display on stderr.
func evaluate(ctx context.Context, cfg config.Config, e *env, f evalFlags) (eval.Result, []eval.Prediction, error) {
	tax, err := taxonomy.New(cfg.Topics)
	if err != nil {
		return eval.Result{}, nil, err
	}
	items, err := eval.Load(f.set, tax)
	if err != nil {
		return eval.Result{}, nil, err
	}
	run, err := app.NewEvalRun(cfg, f.EvalOptions)
	if err != nil {
		return eval.Result{}, nil, err
	}
	setup := run.Setup
	setup.Set, setup.Progress = f.set, newProgress(e, "eval")
	if setup.Prices, err = eval.LoadPrices(e.getenv("TRIAGE_PRICES")); err != nil {
		return eval.Result{}, nil, err
	}
	var preds []eval.Prediction
	setup.Record = func(p []eval.Prediction) { preds = p }
	res, err := eval.Evaluate(ctx, items, run.Classifier, setup)
	if err != nil {
		return res, nil, err
	}
	if n, err := run.Finish(); err != nil {
		return res, nil, err
	} else if n > 0 {
		fmt.Fprintf(e.stderr, "eval: cassette %s holds %d recorded calls\n", f.Record, n)
	}
	return res, preds, nil
}

func printRun(w io.Writer, res eval.Result) {
	fmt.Fprintf(w, "set %s, backend %s (%s)", res.Set, res.Backend, res.Model)
	if res.Prompt != "" {
		fmt.Fprintf(w, ", prompt %s (%s)", res.Prompt, res.PromptHash[:12])
	}
	cost := "unknown model price (TRIAGE_PRICES)"
	if res.CostPer1000 != nil {
		cost = fmt.Sprintf("$%.4f per 1,000 items", *res.CostPer1000)
	}
	fmt.Fprintf(w, "\n%d model calls, %d+%d tokens, %s, latency p50 %d ms p95 %d ms; failures %v; abstentions (confidence < %.1f) %v\n\n",
		res.Usage.ModelCalls, res.Usage.PromptTokens, res.Usage.OutputTokens, cost, res.Usage.LatencyP50MS, res.Usage.LatencyP95MS,
		res.Failures, eval.AbstainBelow, res.Abstentions)
	_ = res.Scores.Print(w)
	fmt.Fprintln(w, "\ncalibration (expected calibration error, 10 bins; lower is better):")
	for _, f := range taxonomy.Fields {
		if c, ok := res.Calibration[string(f)]; ok {
			fmt.Fprintf(w, "  %-10s ECE %.3f over %d items\n", f, c.ECE, c.Scored)
		}
	}
	if c := res.Cascade; c != nil {
		fmt.Fprintf(w, "\ncascade: %d of %d items closed by the local prefilter (%.1f%% of model calls avoided); precision of closes %.3f (%d/%d judged)\n",
			c.Closed, c.Items, 100*c.CallsAvoided, c.Precision, c.Correct, c.Judged)
	}
}

// storeRun saves the run in the database for the web UI and `eval compare`.
func storeRun(ctx context.Context, pool *pgxpool.Pool, e *env, set string, res eval.Result) error {
	data, err := os.ReadFile(set)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	id, err := eval.NewStore(pool).Save(ctx, res, hex.EncodeToString(sum[:]))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\nstored as run %d: compare with `triage eval compare %d OTHER`\n", id, id)
	return nil
}

// loadRun reads a run from a JSON file written by --json, or from the
// database by id.
func loadRun(ctx context.Context, cfg config.Config, ref string) (eval.Result, error) {
	var res eval.Result
	if id, ok := runID(ref); ok {
		pool, err := app.OpenDatabase(ctx, cfg.DatabaseURL, 2)
		if err != nil {
			return res, err
		}
		defer pool.Close()
		return eval.NewStore(pool).Get(ctx, id)
	}
	data, err := os.ReadFile(ref)
	if err != nil {
		return res, fmt.Errorf("run %q: not a stored run id nor a readable file: %w", ref, err)
	}
	if err := json.Unmarshal(data, &res); err != nil {
		return res, fmt.Errorf("run %s: %w", ref, err)
	}
	return res, nil
}

func runID(ref string) (int64, bool) {
	var id int64
	_, err := fmt.Sscanf(strings.TrimPrefix(ref, "run:"), "%d", &id)
	return id, err == nil && id > 0 && !strings.Contains(ref, ".")
}

func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// progress draws a bar with rate and ETA on a terminal, and a plain line
// every five seconds elsewhere (CI logs).
func newProgress(e *env, what string) func(done, total int) {
	start, last := time.Now(), time.Time{}
	tty := e.getenv("CI") == "" && isTerminal(os.Stderr)
	return func(done, total int) {
		if !tty && done != total && time.Since(last) < 5*time.Second {
			return
		}
		if tty && done != total && time.Since(last) < 100*time.Millisecond {
			return
		}
		last = time.Now()
		rate := float64(done) / time.Since(start).Seconds()
		eta := time.Duration(float64(total-done)/max(rate, 1e-9)) * time.Second
		line := fmt.Sprintf("%s: %d/%d items, %.1f items/s, ETA %s", what, done, total, rate, eta.Round(time.Second))
		if tty {
			const width = 30
			filled := width * done / max(total, 1)
			fmt.Fprintf(e.stderr, "\r[%s%s] %s   ", strings.Repeat("=", filled), strings.Repeat(" ", width-filled), line)
			if done == total {
				fmt.Fprintln(e.stderr)
			}
			return
		}
		fmt.Fprintln(e.stderr, line)
	}
}

func writeJSONLines[T any](path string, vs []T) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	for _, v := range vs {
		if err := enc.Encode(v); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}
