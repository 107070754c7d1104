package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/triage-oss/triage/internal/config"
)

// Main is the whole of a server command's main function: it reads the
// configuration from the environment and os.Args (validating what need asks
// for), builds the logger, runs run until SIGINT or SIGTERM, and exits 1
// with one line on stderr when anything fails.
func Main(name string, need config.Need, run func(ctx context.Context, cfg config.Config, log *slog.Logger) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := config.Parse(name, os.Args[1:], os.Getenv, os.Stderr, need)
	if err == nil {
		err = run(ctx, cfg, NewLogger(cfg, os.Stderr))
	}
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		stop()
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}
