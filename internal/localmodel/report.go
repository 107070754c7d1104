package localmodel

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"
)

// Report is what [Train] measured: one row per head and evaluation set
// (a val split, or the held-out 20% of a set without one).
type Report struct {
	Rows     []ReportRow   `json:"rows"`
	Duration time.Duration `json:"duration"`
}

// ReportRow holds the metrics of one head on one evaluation set, with the
// baseline it is measured against when there is one.
type ReportRow struct {
	Head string `json:"head"`
	Set  string `json:"set"`
	Metrics
	Target *Target `json:"target,omitempty"`
}

// Target is a reference score on one set: what a plain TF-IDF (word 1-2 and
// char 2-5 grams) plus logistic regression measures.
type Target struct {
	Metric string  `json:"metric"` // "f1" or "macro_f1"
	Value  float64 `json:"value"`
}

// targets are the baselines per head and set. The TweetEval ones are on the
// same val splits as the report. The spam and complaint ones were measured
// on another random 20% of those sets; on this package's split the same
// baseline (scikit-learn, TF-IDF word 1-2 + char_wb 2-5, sublinear TF,
// logistic regression) measures spam F1 0.944 (balanced classes; 0.927
// without) and complaint F1 0.790 (0.769 balanced).
var targets = map[[2]string]Target{
	{headIrony, srcIrony}:          {"f1", 0.61},
	{headAbuse, srcOffensive}:      {"macro_f1", 0.72},
	{headHate, srcHate}:            {"macro_f1", 0.73},
	{headComplaint, srcComplaints}: {"f1", 0.80},
	{headSpam, srcSMS}:             {"f1", 0.97},
}

// Score returns the row's value of its target's metric.
func (r ReportRow) Score() float64 {
	if r.Target != nil && r.Target.Metric == "macro_f1" {
		return r.MacroF1
	}
	return r.F1
}

// WriteTable prints the report as an aligned text table, rows with a
// target first.
func (r Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "head\tset\tn\tf1\tmacro_f1\taccuracy\tece\ttarget\tdelta\t")
	for _, row := range r.sortedRows() {
		target, delta := "", ""
		if row.Target != nil {
			target = fmt.Sprintf("%s %.3f", row.Target.Metric, row.Target.Value)
			delta = fmt.Sprintf("%+.3f", row.Score()-row.Target.Value)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%s\t%s\t\n",
			row.Head, row.Set, row.N, row.F1, row.MacroF1, row.Accuracy, row.ECE, target, delta)
	}
	fmt.Fprintf(tw, "trained in %s\t\t\t\t\t\t\t\t\t\n", r.Duration.Round(time.Millisecond))
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	return nil
}

func (r Report) sortedRows() []ReportRow {
	rows := slices.Clone(r.Rows)
	slices.SortStableFunc(rows, func(a, b ReportRow) int {
		return cmp.Compare(boolInt(a.Target == nil), boolInt(b.Target == nil))
	})
	return rows
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// evaluate measures m on the evaluation samples of every head, grouped by
// source.
func evaluate(m *Model, ds *dataset) Report {
	s := m.pool.Get().(*scratch)
	defer m.pool.Put(s)
	probs := map[int][]float64{}
	var rep Report
	for hi, spec := range specs {
		h := m.heads[hi]
		bySource := map[string][]headSample{}
		var order []string
		for _, smp := range ds.samples(spec, true, ds.seed) {
			src := ds.recs[smp.rec].source
			if _, ok := bySource[src]; !ok {
				order = append(order, src)
			}
			bySource[src] = append(bySource[src], smp)
		}
		for _, src := range order {
			row := ReportRow{Head: spec.name, Set: src, Metrics: measureHead(m, h, s, probs, ds, bySource[src])}
			if t, ok := targets[[2]string{spec.name, src}]; ok {
				row.Target = &t
			}
			rep.Rows = append(rep.Rows, row)
		}
	}
	return rep
}

// measureHead computes the metrics of head h on samples, caching the
// probabilities of each text.
func measureHead(m *Model, h head, s *scratch, cache map[int][]float64, ds *dataset, samples []headSample) Metrics {
	truth, pred, conf := make([]int, len(samples)), make([]int, len(samples)), make([]float64, len(samples))
	for i, smp := range samples {
		p, ok := cache[smp.text]
		if !ok {
			m.probs(s, ds.texts[smp.text])
			p = slices.Clone(s.prob)
			cache[smp.text] = p
		}
		truth[i] = smp.y
		pred[i], conf[i] = h.decide(p[h.off : h.off+h.k])
	}
	positive := -1
	if h.k == 1 {
		positive = 1
	}
	return measure(truth, pred, conf, len(h.classes), positive)
}

// decide returns the class a head picks from its probabilities and the
// probability of that class.
func (h head) decide(p []float64) (int, float64) {
	if h.k == 1 {
		if p[0] >= h.threshold {
			return 1, p[0]
		}
		return 0, 1 - p[0]
	}
	best := 0
	for c := range p {
		if p[c] > p[best] {
			best = c
		}
	}
	return best, p[best]
}
