package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/triage-oss/triage/internal/eval"
	"github.com/triage-oss/triage/internal/localmodel"
	"github.com/triage-oss/triage/internal/taxonomy"
)

func init() {
	register("model train", "train the local model on the public datasets and the project's corpus", runModelTrain)
	register("eval import-public", "convert the public datasets' val/held-out splits into eval sets", runImportPublic)
}

// dataDir is where the public datasets are read from: --data, else
// TRIAGE_DATA_DIR, else ../shared/data.
func dataDir(e *env, flagValue string) (string, error) {
	dir := flagValue
	if dir == "" {
		dir = e.getenv("TRIAGE_DATA_DIR")
	}
	if dir == "" {
		dir = filepath.Join("..", "shared", "data")
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return "", fmt.Errorf("public datasets not found at %s: pass --data DIR or set TRIAGE_DATA_DIR", dir)
	}
	return dir, nil
}

func runModelTrain(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("triage model train", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	data := fs.String("data", "", "public datasets directory (default $TRIAGE_DATA_DIR or ../shared/data)")
	out := fs.String("out", "", "model file to write (internal/localmodel/model.bin.gz replaces the built-in model); required")
	seed := fs.Int64("seed", localmodel.DefaultSeed, "seed of the splits and the sampling")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return errors.New("usage: triage model train --data DIR --out FILE")
	}
	dir, err := dataDir(e, *data)
	if err != nil {
		return err
	}
	m, rep, err := localmodel.Train(ctx, localmodel.TrainConfig{DataDir: dir, Seed: *seed}, nil)
	if err != nil {
		return err
	}
	if err := rep.WriteTable(e.stdout); err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := m.Write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", *out, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	st, _ := os.Stat(*out)
	fmt.Fprintf(e.stdout, "\nwrote %s (%.1f MB) in %s\n", *out, float64(st.Size())/1e6, rep.Duration.Round(1e8))
	return nil
}

func runImportPublic(_ context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("triage eval import-public", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	data := fs.String("data", "", "public datasets directory (default $TRIAGE_DATA_DIR or ../shared/data)")
	out := fs.String("out", "", "directory to write <dataset>-val.jsonl / -heldout.jsonl into; required")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return errors.New("usage: triage eval import-public --data DIR --out DIR")
	}
	dir, err := dataDir(e, *data)
	if err != nil {
		return err
	}
	sets, err := localmodel.PublicEvalSets(dir, localmodel.DefaultSeed)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	for _, s := range sets {
		path := filepath.Join(*out, s.Name+".jsonl")
		if err := writeJSONLines(path, s.Items); err != nil {
			return err
		}
		// What we wrote must load as an eval set.
		if _, err := eval.Load(path, taxonomy.Default()); err != nil {
			return fmt.Errorf("checking %s: %w", path, err)
		}
		fmt.Fprintf(e.stdout, "%-45s %6d items\n", path, len(s.Items))
	}
	return nil
}
