package localmodel

import (
	"fmt"

	"github.com/triage-oss/triage/internal/taxonomy"
)

// classifyRows measures the composed classification (heads plus rules) on
// the held-out 20% of the own corpus, one row per labelled field. These
// examples were written by the same hands as the training ones, so the
// rows show whether the pieces fit together, not how well the model
// transfers to real traffic.
func classifyRows(m *Model, seed int64) ([]ReportRow, error) {
	exs, err := readCorpus(corpusFS)
	if err != nil {
		return nil, err
	}
	tax := taxonomy.Default()
	truth, pred := map[taxonomy.Field][]string{}, map[taxonomy.Field][]string{}
	conf := map[taxonomy.Field][]float64{}
	for _, ex := range exs {
		if !heldOut(ex.Text, seed) {
			continue
		}
		c := m.Classify(tax, ex.Text)
		for _, f := range taxonomy.Fields {
			want, ok := ex.Labels[string(f)]
			if !ok {
				continue
			}
			got, _ := c.Label(f)
			truth[f] = append(truth[f], fmt.Sprint(want))
			pred[f] = append(pred[f], got)
			conf[f] = append(conf[f], c.Confidence.Of(f))
		}
	}
	var rows []ReportRow
	for _, f := range taxonomy.Fields {
		if len(truth[f]) > 0 {
			rows = append(rows, ReportRow{Head: "classify", Set: "corpus/" + string(f), Metrics: measureLabels(truth[f], pred[f], conf[f])})
		}
	}
	return rows, nil
}

// measureLabels is measure over string labels.
func measureLabels(truth, pred []string, conf []float64) Metrics {
	ids := map[string]int{}
	id := func(s string) int {
		if _, ok := ids[s]; !ok {
			ids[s] = len(ids)
		}
		return ids[s]
	}
	t, p := make([]int, len(truth)), make([]int, len(pred))
	for i := range truth {
		t[i], p[i] = id(truth[i]), id(pred[i])
	}
	return measure(t, p, conf, len(ids), -1)
}
