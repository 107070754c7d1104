package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/triage-oss/triage/internal/app"
	"github.com/triage-oss/triage/internal/calllog"
	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/drafts"
	"github.com/triage-oss/triage/internal/kb"
	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/pipeline"
)

func init() {
	register("eval drafts", "draft replies to a set with reference articles: how often drafts cite the right article", runEvalDrafts)
	register("drafts stats", "per prompt version: drafts approved as is, edited (with edit distance), rejected", runDraftStats)
}

func runEvalDrafts(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("triage eval drafts", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	set := fs.String("set", "", "JSONL of {\"id\",\"text\",\"channel\",\"articles\":[ids]}; required (evals/drafts.jsonl)")
	cassette := fs.String("cassette", "", "with --backend replay: the recorded cassette directory")
	record := fs.String("record", "", "record every model answer into this cassette directory")
	asJSON := fs.Bool("json", false, "print JSON")
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return err
	}
	if e.getenv("TRIAGE_LOG_LEVEL") == "" {
		cfg.LogLevel = "warn"
	}
	cfg.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *set == "" || fs.NArg() > 0 {
		return errors.New("usage: triage eval drafts --set FILE [--backend local|openai|ollama|replay] [--prompt-draft draft/v1] [--cassette DIR | --record DIR] (the knowledge base must be imported: triage kb import)")
	}
	items, err := drafts.LoadEvalItems(*set)
	if err != nil {
		return err
	}
	pool, err := app.OpenDatabase(ctx, cfg.DatabaseURL, 8)
	if err != nil {
		return err
	}
	defer pool.Close()
	embedder, err := app.NewEmbedder(ctx, cfg, app.NewLogger(cfg, e.stderr))
	if err != nil {
		return err
	}
	writer, finish, err := evalWriter(cfg, *cassette, *record)
	if err != nil {
		return err
	}
	rules, err := app.DraftRules(cfg.DraftRules)
	if err != nil {
		return err
	}
	rep, err := drafts.Evaluate(ctx, drafts.NewDrafter(kb.NewRetriever(pool, embedder), writer, 0, rules), items, cfg.LLMConcurrency)
	if err != nil {
		return err
	}
	if err := finish(); err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(rep)
	}
	fmt.Fprintf(e.stdout, "%d items (backend %s, prompt %s): reference article retrieved for %.1f%%, cited by %.1f%% of drafts; %d cite another article, %d cite nothing, %d failed\nflags: %v\n",
		rep.Items, cfg.Backend, cfg.DraftPrompt, 100*rep.RetrievalHit, 100*rep.CitationAccuracy, rep.CitesOther, rep.CitesNothing, rep.Failed, rep.Flags)
	return nil
}

// evalWriter is the draft writer an eval measures: extractive offline, or
// the draft prompt on a live, recorded or replayed model.
func evalWriter(cfg config.Config, cassette, record string) (drafts.Writer, func() error, error) {
	none := func() error { return nil }
	var completer drafts.Completer
	switch cfg.Backend {
	case llm.BackendLocal:
		return drafts.Extractive{}, none, nil
	case llm.BackendReplay:
		rep, err := llm.NewReplayer(cassette)
		if err != nil {
			return nil, nil, err
		}
		completer = rep
		none = func() error {
			if rep.Misses() > 0 {
				return fmt.Errorf("%d model calls are not in the cassette %s: record them with --record", rep.Misses(), cassette)
			}
			return nil
		}
	default:
		if err := cfg.Validate(config.Need{Backend: true}); err != nil {
			return nil, nil, err
		}
		c, err := app.NewCompleter(cfg, nil)
		if err != nil {
			return nil, nil, err
		}
		completer = c
		if record != "" {
			rec := llm.NewRecorder(c)
			completer = rec
			none = func() error { _, err := rec.Save(record); return err }
		}
	}
	cfg.Backend = "model" // NewWriter: anything but local uses the prompt
	w, err := app.NewWriter(cfg, completer, calllog.Discard{})
	return w, none, err
}

func runDraftStats(ctx context.Context, e *env, args []string) error {
	cfg, err := config.Parse("triage drafts stats", args, e.getenv, e.stderr, config.Need{})
	if err != nil {
		return err
	}
	pool, err := app.OpenDatabase(ctx, cfg.DatabaseURL, 2)
	if err != nil {
		return err
	}
	defer pool.Close()
	client, err := pipeline.NewClient(pool, pipeline.ClientConfig{})
	if err != nil {
		return err
	}
	stats, err := drafts.NewService(pool, client).Stats(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tDRAFTS\tPENDING\tAPPROVED AS IS\tEDITED\tREJECTED\tMEAN EDIT DISTANCE\tMEDIAN")
	for _, s := range stats {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%.1f\t%.1f\n", s.Version, s.Drafts, s.Pending, s.ApprovedAsIs, s.Edited, s.Rejected, s.MeanEditDistance, s.MedianEditDistance)
	}
	return tw.Flush()
}
