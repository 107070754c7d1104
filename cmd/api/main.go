// Command api is Triage's HTTP server: ingestion, item lookup, health.
// Settings come from the environment (see the README) and flags override
// them; run with -h for the list.
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
		fmt.Fprintln(os.Stderr, "triage-api:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg, err := config.Parse("triage-api", args, getenv, stderr, config.Need{Server: true})
	if err != nil {
		return err
	}
	log := app.NewLogger(cfg, stderr)
	api, err := app.NewAPI(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer api.Close()
	return api.Run(ctx, nil)
}
