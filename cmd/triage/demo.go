package main

import (
	"context"
	"flag"
	"os"

	"github.com/triage-oss/triage/internal/app"
	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/demo"
)

func init() {
	register("demo", "set up what is missing and triage a sample stream end to end, then serve the API", runDemo)
}

func runDemo(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("triage demo", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	noServe := fs.Bool("no-serve", false, "exit after the summary instead of serving the API until Ctrl-C")
	keep := fs.Bool("keep", false, "keep the demo database's previous contents instead of starting afresh")
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return err
	}
	if e.getenv("TRIAGE_LOG_LEVEL") == "" {
		cfg.LogLevel = "warn" // the demo prints its own progress
	}
	cfg.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.Validate(config.Need{Server: true, Backend: true}); err != nil {
		return err
	}
	url := e.getenv("TRIAGE_DEMO_DATABASE_URL")
	if url == "" {
		if url, err = demo.DemoURL(cfg.DatabaseURL); err != nil {
			return err
		}
	}
	return demo.Run(ctx, cfg, demo.Options{
		DatabaseURL: url,
		Keep:        *keep,
		Serve:       !*noServe,
		Out:         e.stdout,
		Interactive: isTerminal(os.Stdout) && e.getenv("CI") == "",
		Logger:      app.NewLogger(cfg, e.stderr),
	})
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
