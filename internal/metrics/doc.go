// Package metrics measures what Triage does, for managers and for
// monitoring.
//
// [Service.Report] computes the managers' numbers from the history (items,
// item_events, classifications, model_calls, qa_reviews, drafts) for a
// period, per day, channel, intent or team: volume, auto-closure rate and
// its audited precision, noise filtered, response rate, time to first
// response, resolution rate, SLA adherence, model calls and cost per item.
//
// [Service.Live] reads the live counters that triggers of migration 008
// keep in the transaction of every write (events per kind and channel,
// items per state, model calls and tokens), so that a Prometheus scrape
// never scans the history; [NewCollector] exports them. [Service.Recount]
// computes the same numbers from the history, the reference the counters
// must equal, and [Service.Rebuild] resets the counters to it (an operator
// tool, after a TRUNCATE or a restore).
//
// Serving /metrics:
//
//	reg := prometheus.NewRegistry()
//	reg.MustRegister(metrics.NewCollector(metrics.NewService(pool, prices), logger))
//	mux.Handle("GET /metrics", metrics.Handler(reg))
package metrics
