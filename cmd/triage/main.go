// Command triage is the operator's tool: set up and migrate the database,
// ingest files, and (as later issues land) train the local model, import the
// knowledge base, run evals and the demo.
//
//	triage setup               install what is missing (pgvector), create and migrate the database
//	triage migrate             apply migrations
//	triage ingest FILE.jsonl   ingest items, one JSON object per line
//	triage prompts list        list prompt versions
//
// Settings come from the environment (see the README); every command takes
// -h.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what commands read and write.
type env struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
}

var commands = map[string]command{}

func register(name, summary string, run func(context.Context, *env, []string) error) {
	commands[name] = command{summary: summary, run: run}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{getenv: os.Getenv, stdout: os.Stdout, stderr: os.Stderr}
	if err := dispatch(ctx, e, os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "triage:", err)
		os.Exit(1)
	}
}

func dispatch(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stderr)
		return flag.ErrHelp
	}
	// Two-word commands ("prompts list") are registered with their space.
	if len(args) > 1 {
		if c, ok := commands[args[0]+" "+args[1]]; ok {
			return c.run(ctx, e, args[2:])
		}
	}
	c, ok := commands[args[0]]
	if !ok {
		usage(e.stderr)
		return fmt.Errorf("unknown command %q", args[0])
	}
	return c.run(ctx, e, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: triage COMMAND [flags] [args]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-22s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun `triage COMMAND -h` for a command's flags. Settings: see README.md.")
}

// parseInterspersed parses args with fs, allowing flags after positional
// arguments (`triage kb search "question" --k 5`), and returns the
// positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
