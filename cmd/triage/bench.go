package main

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"

	"github.com/triage-oss/triage/internal/app"
	"github.com/triage-oss/triage/internal/bench"
	"github.com/triage-oss/triage/internal/config"
)

func init() {
	register("bench", "measure ingestion, pipeline overhead, rate-limit use, retrieval and surge cost, each on a database of its own", runBench)
}

// defaultDataDir is where the public datasets sit next to a clone.
const defaultDataDir = "../shared/data"

func runBench(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("triage bench", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	quick := fs.Bool("quick", false, "a small version of every part, in under a minute")
	asJSON := fs.Bool("json", false, "print one JSON object of the figures instead of the table")
	only := fs.String("only", "", "comma-separated parts to run ("+strings.Join(bench.Parts, ", ")+"); default all")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run (API, worker and fakes: one process) to this file")
	databases := fs.String("databases", bench.DatabasePrefix, "name of the databases: each part creates and drops NAME_PART; the retrieval part keeps its 100,000 passages in NAME")
	dataDir := fs.String("data", cmp.Or(e.getenv("TRIAGE_DATA_DIR"), defaultDataDir), "directory of the public datasets (TRIAGE_DATA_DIR)")
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return err
	}
	if e.getenv("TRIAGE_LOG_LEVEL") == "" {
		cfg.LogLevel = "warn"
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("usage: triage bench [--quick] [--json] [--only PARTS] [--data DIR]; unexpected %q", fs.Arg(0))
	}
	if err := cfg.Validate(config.Need{}); err != nil {
		return err
	}
	var parts []string
	if *only != "" {
		parts = strings.Split(*only, ",")
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	rep, err := bench.Run(ctx, bench.Config{DatabaseURL: cfg.DatabaseURL, Databases: *databases, DataDir: *dataDir, Quick: *quick, Parts: parts,
		Progress: e.stderr, Logger: app.NewLogger(cfg, e.stderr)})
	if err != nil {
		return err
	}
	return printBench(e.stdout, rep, *asJSON)
}

// startCPUProfile profiles the process into path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

func printBench(w io.Writer, rep bench.Report, asJSON bool) error {
	if !asJSON {
		return rep.Write(w)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}
