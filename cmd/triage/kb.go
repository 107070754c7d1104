package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"text/tabwriter"

	"github.com/triage-oss/triage/internal/app"
	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/kb"
)

func init() {
	register("kb import", "import a folder of Markdown/HTML/text articles or a JSONL file into the knowledge base", runKBImport)
	register("kb search", "search the knowledge base (hybrid, vector or full text)", runKBSearch)
	register("kb eval", "measure retrieval (recall@1/5/10, MRR) of every mode on a query set", runKBEval)
}

// kbFlags parses the common flags of the kb commands, and returns the
// positional arguments.
func kbFlags(name string, e *env, args []string, extra func(*flag.FlagSet)) (config.Config, []string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return cfg, nil, err
	}
	if e.getenv("TRIAGE_LOG_LEVEL") == "" {
		cfg.LogLevel = "warn"
	}
	cfg.RegisterFlags(fs)
	extra(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return cfg, nil, err
	}
	return cfg, pos, cfg.Validate(config.Need{})
}

func runKBImport(ctx context.Context, e *env, args []string) error {
	source := ""
	cfg, pos, err := kbFlags("triage kb import", e, args, func(fs *flag.FlagSet) {
		fs.StringVar(&source, "source", "", "name of the source (default: the path); a re-import of a source removes the articles it no longer has")
	})
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("usage: triage kb import [--source NAME] PATH (a folder of .md/.html/.txt files, or a .jsonl file)")
	}
	path := pos[0]
	if source == "" {
		if abs, err := filepath.Abs(path); err == nil {
			source = abs
		}
	}
	articles, err := kb.ReadPath(path)
	if err != nil {
		return err
	}
	return importKB(ctx, cfg, e, source, articles)
}

// importKB imports articles and embeds every new chunk with the configured
// embedder, so search works as soon as the command returns.
func importKB(ctx context.Context, cfg config.Config, e *env, source string, articles []kb.Article) error {
	pool, err := app.OpenDatabase(ctx, cfg.DatabaseURL, 4)
	if err != nil {
		return err
	}
	defer pool.Close()
	store := kb.NewStore(pool)
	st, err := store.Import(ctx, source, articles)
	if err != nil {
		return err
	}
	embedder, err := app.NewEmbedder(ctx, cfg, app.NewLogger(cfg, e.stderr))
	if err != nil {
		return err
	}
	n, err := store.EmbedMissing(ctx, embedder)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "kb import: %d articles from %s: %d added, %d updated, %d unchanged, %d removed; %d passages written, %d embedded with %s\n",
		len(articles), source, st.Added, st.Updated, st.Unchanged, st.Removed, st.Chunks, n, embedder.Model())
	return nil
}

func runKBSearch(ctx context.Context, e *env, args []string) error {
	var k int
	var mode string
	var asJSON bool
	cfg, pos, err := kbFlags("triage kb search", e, args, func(fs *flag.FlagSet) {
		fs.IntVar(&k, "k", kb.DefaultK, "number of passages")
		fs.StringVar(&mode, "mode", string(kb.ModeHybrid), "hybrid, vector or fulltext")
		fs.BoolVar(&asJSON, "json", false, "print JSON")
	})
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New(`usage: triage kb search [--k 5] [--mode hybrid|vector|fulltext] [--json] "question"`)
	}
	pool, err := app.OpenDatabase(ctx, cfg.DatabaseURL, 4)
	if err != nil {
		return err
	}
	defer pool.Close()
	embedder, err := app.NewEmbedder(ctx, cfg, app.NewLogger(cfg, e.stderr))
	if err != nil {
		return err
	}
	hits, err := kb.NewRetriever(pool, embedder).Search(ctx, kb.Query{Text: pos[0], K: k, Mode: kb.Mode(mode)})
	if err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(e.stdout).Encode(map[string]any{"query": pos[0], "mode": mode, "model": embedder.Model(), "hits": hits})
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RANK\tSCORE\tFOUND BY\tARTICLE\tTITLE")
	for i, h := range hits {
		fmt.Fprintf(tw, "%d\t%.4f\t%v\t%s\t%s\n", i+1, h.Score, h.Modes, h.DocumentID, h.Title)
	}
	return tw.Flush()
}

func runKBEval(ctx context.Context, e *env, args []string) error {
	var queriesPath string
	var asJSON bool
	cfg, pos, err := kbFlags("triage kb eval", e, args, func(fs *flag.FlagSet) {
		fs.StringVar(&queriesPath, "queries", "", "JSONL of {\"query\", \"relevant\": [article ids]}; required")
		fs.Int("k", 5, "kept for compatibility: recall is reported at 1, 5 and 10")
		fs.BoolVar(&asJSON, "json", false, "print JSON")
	})
	if err != nil {
		return err
	}
	if queriesPath == "" || len(pos) > 0 {
		return errors.New("usage: triage kb eval --queries FILE [--json]")
	}
	queries, err := kb.LoadEvalQueries(queriesPath)
	if err != nil {
		return err
	}
	pool, err := app.OpenDatabase(ctx, cfg.DatabaseURL, 4)
	if err != nil {
		return err
	}
	defer pool.Close()
	embedder, err := app.NewEmbedder(ctx, cfg, app.NewLogger(cfg, e.stderr))
	if err != nil {
		return err
	}
	rep, err := kb.Evaluate(ctx, kb.NewRetriever(pool, embedder), queries)
	if err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(e.stdout).Encode(rep)
	}
	fmt.Fprintf(e.stdout, "%d queries, embedding model %s\n\n", rep.Queries, embedder.Model())
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "mode\trecall@1\trecall@5\trecall@10\tMRR\tp50 ms\tp95 ms\t")
	for _, m := range kb.Modes {
		s := rep.Modes[m]
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.1f\t%.1f\t\n", m, s.Recall1, s.Recall5, s.Recall10, s.MRR, s.LatencyP50MS, s.LatencyP95MS)
	}
	return tw.Flush()
}
