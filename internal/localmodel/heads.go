package localmodel

import "github.com/triage-oss/triage/internal/taxonomy"

// headSpec describes one head: its classes, how it is fitted and what its
// report measures.
type headSpec struct {
	name    string
	classes []string // for a binary head, classes[1] is the positive class
	fit     fitConfig
	// metric names the number the decision threshold of a binary head is
	// tuned for on the calibration fold: "f1" (positive class) or
	// "macro_f1". Heads whose positive class drives a visible label (sarcasm,
	// abuse) use macro_f1, a balanced decision, even where the report's
	// target is the positive class's F1.
	metric string
}

// specs lists the heads in the order of the model file. The C and NB of
// the binary heads were chosen among C in {0.25..8} with and without NB by
// 5-fold cross-validated macro-F1 on the training data, on the folds' texts
// from the set the head is measured on; val was never used for them. (Val
// was used for the few yes/no choices of which public sets to train on:
// see evalOnlySources.)
var specs = []headSpec{
	{name: headSpam, classes: []string{"ham", "spam"}, fit: fitConfig{C: 8, Balanced: true}, metric: "f1"},
	{name: headComplaint, classes: []string{"not_complaint", "complaint"}, fit: fitConfig{C: 8, Balanced: true}, metric: "macro_f1"},
	{name: headAbuse, classes: []string{"not_offensive", "offensive"}, fit: fitConfig{C: 0.5, Balanced: true, NB: true}, metric: "macro_f1"},
	{name: headHate, classes: []string{"not_hate", "hate"}, fit: fitConfig{C: 1, Balanced: true}, metric: "macro_f1"},
	{name: headIrony, classes: []string{"non_irony", "irony"}, fit: fitConfig{C: 0.25, Balanced: true, NB: true}, metric: "macro_f1"},
	{name: headSentiment, classes: stringsOf(taxonomy.Sentiments), fit: fitConfig{C: 0.5, Balanced: true}},
	{name: headIntent, classes: stringsOf(taxonomy.Intents), fit: fitConfig{C: 4, Balanced: true}},
	{name: headRisk, classes: stringsOf(taxonomy.Risks), fit: fitConfig{C: 1, Balanced: true}},
	{name: headTopic, classes: taxonomy.DefaultTopics, fit: fitConfig{C: 16, Balanced: true}},
}

func stringsOf[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

func classIndex(classes []string, c string) int {
	for i, x := range classes {
		if x == c {
			return i
		}
	}
	return -1
}
