package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/prompt"
	"github.com/triage-oss/triage/prompts"
)

func init() {
	register("prompts list", "list prompt versions, their hashes, which are released and which are active", runPromptsList)
	register("prompts release", "mark a prompt version released (it may never be edited again)", runPromptsRelease)
}

func runPromptsList(_ context.Context, e *env, args []string) error {
	cfg, err := config.Parse("triage prompts list", args, e.getenv, e.stderr, config.Need{})
	if err != nil {
		return err
	}
	refs, err := prompt.List(prompts.FS)
	if err != nil {
		return err
	}
	released, err := prompt.Released(prompts.FS)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROMPT\tSTATUS\tACTIVE\tSHA-256\tDESCRIPTION")
	for _, ref := range refs {
		p, err := prompt.Load(prompts.FS, ref)
		if err != nil {
			return err
		}
		active, status := "", "draft"
		if ref == cfg.ClassifyPrompt || ref == cfg.DraftPrompt {
			active = "yes"
		}
		if h, ok := released[ref]; ok {
			status = "released"
			if h != p.Hash {
				status = "EDITED AFTER RELEASE"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", ref, status, active, p.Hash[:12], p.Description)
	}
	return tw.Flush()
}

func runPromptsRelease(_ context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("triage prompts release", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dir := fs.String("dir", "prompts", "the prompts directory of the repository")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: triage prompts release [--dir prompts] TASK/VERSION")
	}
	hash, err := prompt.Release(*dir, fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "released %s (sha256 %s): commit %s/%s\n", fs.Arg(0), hash, *dir, prompt.ReleasedFile)
	return nil
}
