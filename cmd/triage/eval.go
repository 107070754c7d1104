package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/triage-oss/triage/internal/app"
	"github.com/triage-oss/triage/internal/calllog"
	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/eval"
	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/taxonomy"
)

func init() {
	register("eval run", "measure a backend on an eval set: per-field and per-label scores, confusion, cost, latency", runEval)
}

func runEval(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("triage eval run", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	set := fs.String("set", "", "eval set (JSONL); required")
	jsonOut := fs.String("json", "", "write the report as JSON to this file")
	predOut := fs.String("predictions", "", "write one prediction per item (JSONL) to this file")
	concurrency := fs.Int("concurrency", 4, "items classified at once")
	cascade := fs.Bool("cascade", false, "put the local prefilter in front of the backend and report calls avoided and the precision of its closes")
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return err
	}
	cfg.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *set == "" || fs.NArg() > 0 {
		return errors.New("usage: triage eval run --set FILE [--backend local|openai|ollama] [--cascade] [--json REPORT] [--predictions FILE]")
	}
	if err := cfg.Validate(config.Need{Backend: true}); err != nil {
		return err
	}
	tax, err := taxonomy.New(cfg.Topics)
	if err != nil {
		return err
	}
	items, err := eval.Load(*set, tax)
	if err != nil {
		return err
	}
	classifier, rep, err := evalClassifier(cfg, *cascade)
	if err != nil {
		return err
	}
	rep.Set, rep.StartedAt = *set, time.Now().UTC()
	preds, err := eval.Run(ctx, items, classifier, eval.Options{Concurrency: *concurrency, Progress: progress(e)})
	if err != nil {
		return err
	}
	rep.DurationMS = time.Since(rep.StartedAt).Milliseconds()
	if rep.Scores, err = eval.Score(items, preds); err != nil {
		return err
	}
	rep.Usage = eval.UsageOf(preds)
	if *cascade {
		cs := eval.ScoreCascade(items, preds)
		rep.Cascade = &cs
	}
	return writeEval(e, rep, preds, *jsonOut, *predOut)
}

// evalClassifier builds what the run measures, without a database: model
// calls are counted in the predictions, not logged.
func evalClassifier(cfg config.Config, cascade bool) (eval.Classifier, eval.RunReport, error) {
	rep := eval.RunReport{Backend: cfg.Backend}
	local, err := app.NewLocal(cfg)
	if err != nil {
		return nil, rep, err
	}
	var next classify.Classifier
	if cfg.Backend == llm.BackendLocal {
		rep.Model = "triage-local"
	} else {
		completer, err := app.NewCompleter(cfg, nil)
		if err != nil {
			return nil, rep, err
		}
		c, err := app.NewLLMClassifier(cfg, completer, calllog.Discard{}, app.NewLogger(cfg, io.Discard))
		if err != nil {
			return nil, rep, err
		}
		next, rep.Model, rep.Prompt, rep.PromptHash = c, c.Model(), c.Prompt().ID(), c.Prompt().Hash
	}
	switch {
	case cascade:
		return classify.NewCascade(local, next, cfg.PrefilterThreshold), rep, nil
	case next != nil:
		return next, rep, nil
	}
	return local, rep, nil
}

func progress(e *env) func(done, total int) {
	last := time.Now()
	return func(done, total int) {
		if done == total || time.Since(last) > 2*time.Second {
			fmt.Fprintf(e.stderr, "eval: %d/%d items\n", done, total)
			last = time.Now()
		}
	}
}

func writeEval(e *env, rep eval.RunReport, preds []eval.Prediction, jsonOut, predOut string) error {
	fmt.Fprintf(e.stdout, "set %s, backend %s (%s)", rep.Set, rep.Backend, rep.Model)
	if rep.Prompt != "" {
		fmt.Fprintf(e.stdout, ", prompt %s", rep.Prompt)
	}
	fmt.Fprintf(e.stdout, ": %d model calls, %d+%d tokens, latency p50 %d ms, p95 %d ms\n\n",
		rep.Usage.ModelCalls, rep.Usage.PromptTokens, rep.Usage.OutputTokens, rep.Usage.LatencyP50MS, rep.Usage.LatencyP95MS)
	if err := rep.Scores.Print(e.stdout); err != nil {
		return err
	}
	if c := rep.Cascade; c != nil {
		fmt.Fprintf(e.stdout, "\ncascade: %d of %d items closed by the local prefilter (%.1f%% of model calls avoided); precision of closes %.3f (%d/%d judged)\n",
			c.Closed, c.Items, 100*c.CallsAvoided, c.Precision, c.Correct, c.Judged)
	}
	if jsonOut != "" {
		if err := writeJSONFile(jsonOut, rep); err != nil {
			return err
		}
	}
	if predOut != "" {
		return writeJSONLines(predOut, preds)
	}
	return nil
}

func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func writeJSONLines[T any](path string, vs []T) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, v := range vs {
		if err := enc.Encode(v); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
