package bench

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
)

// Report is what a run measured: one result per part, nil for a part that
// did not run. Its JSON is one flat object of numbers, the figures of the
// parts that ran:
//
//	{"ingest_items_per_s": 6120.4, "copy_rows_per_s": 41003.9, "ingest_copy_ratio": 0.149, ...}
type Report struct {
	Quick   bool    `json:"-"`
	Seconds float64 `json:"elapsed_s"`
	*IngestResult
	*PipelineResult
	*RateLimitResult
	*RetrievalResult
	*SurgeResult
}

// Target is the bound a figure should respect.
type Target struct {
	Op    string // ">=", "<=" or "<"; empty when the figure has no target
	Bound float64
}

// Met reports whether v respects the target (always, without one).
func (t Target) Met(v float64) bool {
	switch t.Op {
	case ">=":
		return v >= t.Bound
	case "<=":
		return v <= t.Bound
	case "<":
		return v < t.Bound
	}
	return true
}

func (t Target) String() string {
	if t.Op == "" {
		return ""
	}
	op := map[string]string{">=": "≥", "<=": "≤", "<": "<"}[t.Op]
	if math.Abs(t.Bound) >= 1000 {
		return op + " " + number(t.Bound)
	}
	return op + " " + strconv.FormatFloat(t.Bound, 'f', -1, 64)
}

// Figure is one measured figure.
type Figure struct {
	Part  string
	Key   string // its name in the JSON report
	Label string
	Value float64
	Unit  string
	// Target is what the issue asks for; zero when it asks nothing.
	Target Target
}

// Figures returns the report's figures in the order of the parts.
func (r Report) Figures() []Figure {
	var out []Figure
	if x := r.IngestResult; x != nil {
		out = append(out,
			Figure{PartIngest, "ingest_items_per_s", "POST /v1/items, batches of 1,000", x.ItemsPerS, "items/s", Target{">=", 5000}},
			Figure{PartIngest, "copy_rows_per_s", "pgx.CopyFrom of the same rows", x.CopyRowsPerS, "rows/s", Target{}},
			Figure{PartIngest, "ingest_copy_ratio", "API / CopyFrom", x.CopyRatio, "", Target{">=", 0.5}})
	}
	if x := r.PipelineResult; x != nil {
		out = append(out,
			Figure{PartPipeline, "e2e_items_per_s", "ingested → triaged, model answering at once", x.ItemsPerS, "items/s", Target{">=", 500}},
			Figure{PartPipeline, "e2e_cpu_ms_per_item", "process CPU per item (PostgreSQL not included)", x.CPUMsPerItem, "ms", Target{}})
		if x.MachineCPUMsPerItem > 0 {
			out = append(out, Figure{PartPipeline, "e2e_machine_cpu_ms_per_item", "machine CPU per item (PostgreSQL included)", x.MachineCPUMsPerItem, "ms", Target{}})
		}
		if x.WithoutNearDupsPerS > 0 {
			out = append(out, Figure{PartPipeline, "e2e_items_per_s_without_near_dups", "the same without the near-duplicate search", x.WithoutNearDupsPerS, "items/s", Target{}})
		}
	}
	if x := r.RateLimitResult; x != nil {
		out = append(out,
			Figure{PartRateLimit, "ratelimit_utilization", "share of 600 requests/min used, 300 ms model", x.Utilization, "", Target{">=", 0.9}},
			Figure{PartRateLimit, "share_429", "share of requests answered 429", x.Share429, "", Target{"<", 0.01}})
	}
	if x := r.RetrievalResult; x != nil {
		label := fmt.Sprintf("hybrid top-5 search, %s passages", number(float64(x.Chunks)))
		out = append(out,
			Figure{PartRetrieval, "retrieval_p50_ms", label + ", p50", x.P50Ms, "ms", Target{}},
			Figure{PartRetrieval, "retrieval_p95_ms", label + ", p95", x.P95Ms, "ms", Target{"<=", 20}},
			Figure{PartRetrieval, "hnsw_recall_at_10", "HNSW vector search recall@10 vs exact", x.RecallAt10, "", Target{}})
	}
	if x := r.SurgeResult; x != nil {
		out = append(out,
			Figure{PartSurge, "surge_calls_per_item", "classification calls per item, 30% near-duplicates", x.CallsPerItem, "", Target{"<=", 0.6}})
	}
	return out
}

// Write prints the report as a table, a figure per line with its target
// and whether it is met, followed by what each part ran on.
func (r Report) Write(w io.Writer) error {
	mode := "full"
	if r.Quick {
		mode = "quick"
	}
	fmt.Fprintf(w, "Triage bench (%s), %.0f s\n\n", mode, r.Seconds)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "part\tfigure\tvalue\ttarget\t")
	for _, f := range r.Figures() {
		verdict := ""
		if f.Target.Op != "" {
			verdict = "pass"
			if !f.Target.Met(f.Value) {
				verdict = "FAIL"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.Part, f.Label, strings.TrimSpace(number(f.Value)+" "+f.Unit), f.Target, verdict)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	for _, d := range []interface{ describe() string }{r.IngestResult, r.PipelineResult, r.RateLimitResult, r.RetrievalResult, r.SurgeResult} {
		if s := d.describe(); s != "" {
			fmt.Fprintln(w, s)
		}
	}
	return nil
}

// number formats v for people: thousands separated, three decimals below
// 10, one below 1,000, none above or for a whole number.
func number(v float64) string {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return strconv.FormatFloat(v, 'f', -1, 64)
	case v == math.Trunc(v) && math.Abs(v) < 1000:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case math.Abs(v) < 10:
		return strconv.FormatFloat(v, 'f', 3, 64)
	case math.Abs(v) < 1000:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	s := strconv.FormatInt(int64(math.Round(v)), 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
