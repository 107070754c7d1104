// Command worker runs Triage's River workers: it triages queued items with
// the configured model backend. Run as many as the model and the database
// allow, on one machine or many, against the same database. Settings come
// from the environment (see the README) and flags override them.
package main

import (
	"context"
	"log/slog"

	"github.com/triage-oss/triage/internal/app"
	"github.com/triage-oss/triage/internal/config"
)

func main() {
	app.Main("triage-worker", config.Need{Backend: true}, func(ctx context.Context, cfg config.Config, log *slog.Logger) error {
		w, err := app.NewWorker(ctx, cfg, log, app.WorkerOptions{})
		if err != nil {
			return err
		}
		defer w.Close()
		return w.Run(ctx)
	})
}
