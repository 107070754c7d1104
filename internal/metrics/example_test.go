package metrics_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/triage-oss/triage/internal/eval"
	"github.com/triage-oss/triage/internal/metrics"
	"github.com/triage-oss/triage/internal/postgres"
)

// An API server exports Triage's counters next to the Go runtime's.
func ExampleHandler() {
	ctx := context.Background()
	pool, err := postgres.Open(ctx, os.Getenv("DATABASE_URL"), postgres.PoolConfig{})
	if err != nil {
		slog.Error("open database", "err", err)
		return
	}
	defer pool.Close()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), metrics.NewCollector(metrics.NewService(pool, eval.DefaultPrices), slog.Default()))
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics.Handler(reg))
	_ = http.ListenAndServe("127.0.0.1:9464", mux)
}

// A manager's weekly report, one row per channel.
func ExampleService_Report() {
	ctx := context.Background()
	pool, err := postgres.Open(ctx, os.Getenv("DATABASE_URL"), postgres.PoolConfig{})
	if err != nil {
		slog.Error("open database", "err", err)
		return
	}
	defer pool.Close()

	svc := metrics.NewService(pool, eval.DefaultPrices)
	to := time.Now().UTC().Truncate(24 * time.Hour)
	rep, err := svc.Report(ctx, metrics.Filter{From: to.AddDate(0, 0, -7), To: to}, metrics.GroupChannel)
	if err != nil {
		slog.Error("report", "err", err)
		return
	}
	_ = json.NewEncoder(os.Stdout).Encode(rep)
}
