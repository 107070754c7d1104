package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/prompt"
	"github.com/triage-oss/triage/prompts"
)

func init() {
	register("prompts list", "list prompt versions, their hashes, and which are active", runPromptsList)
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
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROMPT\tACTIVE\tSHA-256\tDESCRIPTION")
	for _, ref := range refs {
		p, err := prompt.Load(prompts.FS, ref)
		if err != nil {
			return err
		}
		active := ""
		if ref == cfg.ClassifyPrompt {
			active = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", ref, active, p.Hash[:12], p.Description)
	}
	return tw.Flush()
}
