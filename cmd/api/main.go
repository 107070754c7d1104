// Command api is Triage's HTTP server: ingestion, item lookup, health.
// Settings come from the environment (see the README) and flags override
// them; run with -h for the list.
package main

import (
	"context"
	"log/slog"

	"github.com/triage-oss/triage/internal/app"
	"github.com/triage-oss/triage/internal/config"
)

func main() {
	app.Main("triage-api", config.Need{Server: true}, func(ctx context.Context, cfg config.Config, log *slog.Logger) error {
		api, err := app.NewAPI(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer api.Close()
		return api.Run(ctx, nil)
	})
}
