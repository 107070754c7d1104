// Command worker runs Triage's River workers: it triages queued items with
// the configured model backend. Run as many as the model and the database
// allow, on one machine or many, against the same database. Settings come
// from the environment (see the README) and flags override them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/triage-oss/triage/internal/app"
	"github.com/triage-oss/triage/internal/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "triage-worker:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg, err := config.Parse("triage-worker", args, getenv, stderr, config.Need{Backend: true})
	if err != nil {
		return err
	}
	log := app.NewLogger(cfg, stderr)
	w, err := app.NewWorker(ctx, cfg, log, app.WorkerOptions{})
	if err != nil {
		return err
	}
	defer w.Close()
	return w.Run(ctx)
}
