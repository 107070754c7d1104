package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// ScrapeTimeout bounds the database work of one scrape.
const ScrapeTimeout = 10 * time.Second

var (
	descTransitions = prometheus.NewDesc("triage_item_transitions_total",
		"Item state changes, by state entered and channel (each item's first event enters received).",
		[]string{"state", "channel"}, nil)
	descAnnotations = prometheus.NewDesc("triage_item_annotations_total",
		"Item events that leave the state unchanged (routed, sla_breached...), by event and channel.",
		[]string{"event", "channel"}, nil)
	descItems = prometheus.NewDesc("triage_items",
		"Items by current state and channel.",
		[]string{"state", "channel"}, nil)
	descCalls = prometheus.NewDesc("triage_model_calls_total",
		"Model calls, by backend and outcome.",
		[]string{"backend", "outcome"}, nil)
	descTokens = prometheus.NewDesc("triage_model_tokens_total",
		"Model tokens, by backend and kind (prompt or completion).",
		[]string{"backend", "kind"}, nil)
	descVerdicts = prometheus.NewDesc("triage_autoclose_qa_verdicts_total",
		"QA verdicts on auto-closed samples, by verdict (correct or incorrect).",
		[]string{"verdict"}, nil)
	descPending = prometheus.NewDesc("triage_autoclose_qa_pending",
		"Auto-closed samples waiting for a QA verdict.", nil, nil)
	descPrecision = prometheus.NewDesc("triage_autoclose_qa_precision",
		"Audited precision of auto-closure: correct over correct plus incorrect verdicts; absent before the first verdict.",
		nil, nil)
	descUp = prometheus.NewDesc("triage_metrics_up",
		"1 when the last scrape read Triage's counters, 0 when the database could not be read.", nil, nil)
)

// Collector is a [prometheus.Collector] exporting [Service.Live] on every
// scrape: the counters of migration 008 (a few rows per key, after
// [Service.Compact]) and the QA verdicts.
//
// When the database cannot be read, a scrape exports triage_metrics_up 0
// and logs why; the scrape itself still succeeds.
type Collector struct {
	svc *Service
	log *slog.Logger
}

var _ prometheus.Collector = (*Collector)(nil)

// NewCollector returns a collector reading svc; logger receives the errors
// of failed reads (nil discards them).
func NewCollector(svc *Service, logger *slog.Logger) *Collector {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Collector{svc: svc, log: logger}
}

// Describe sends the descriptions of every metric the collector exports.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descTransitions, descAnnotations, descItems, descCalls, descTokens,
		descVerdicts, descPending, descPrecision, descUp} {
		ch <- d
	}
}

// Collect compacts the counter tables, reads them and sends the metrics.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), ScrapeTimeout)
	defer cancel()
	if err := c.svc.Compact(ctx); err != nil {
		c.log.Warn("metrics: compact counters", "err", err) // the reads below still add up the deltas
	}
	l, err := c.svc.Live(ctx)
	if err != nil {
		c.log.Error("metrics: scrape", "err", err)
		ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 1)
	send(ch, descTransitions, prometheus.CounterValue, l.Transitions)
	send(ch, descAnnotations, prometheus.CounterValue, l.Annotations)
	send(ch, descItems, prometheus.GaugeValue, l.Items)
	tokens := map[[2]string]int64{}
	for _, m := range l.ModelCalls {
		ch <- prometheus.MustNewConstMetric(descCalls, prometheus.CounterValue, float64(m.Calls), m.Backend, m.Outcome)
		tokens[[2]string{m.Backend, "prompt"}] += m.PromptTokens
		tokens[[2]string{m.Backend, "completion"}] += m.CompletionTokens
	}
	for k, n := range tokens {
		ch <- prometheus.MustNewConstMetric(descTokens, prometheus.CounterValue, float64(n), k[0], k[1])
	}
	ch <- prometheus.MustNewConstMetric(descVerdicts, prometheus.CounterValue, float64(l.QA.Correct), "correct")
	ch <- prometheus.MustNewConstMetric(descVerdicts, prometheus.CounterValue, float64(l.QA.Incorrect), "incorrect")
	ch <- prometheus.MustNewConstMetric(descPending, prometheus.GaugeValue, float64(l.QA.Pending))
	if p := l.QA.Precision(); p != nil {
		ch <- prometheus.MustNewConstMetric(descPrecision, prometheus.GaugeValue, *p)
	}
}

func send(ch chan<- prometheus.Metric, d *prometheus.Desc, t prometheus.ValueType, counts []Count) {
	for _, n := range counts {
		ch <- prometheus.MustNewConstMetric(d, t, float64(n.N), n.Name, n.Channel)
	}
}

// Handler serves the metrics of reg in the Prometheus exposition format.
// When a collector fails, it serves what the others gathered
// (promhttp.ContinueOnError) rather than nothing.
func Handler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}
