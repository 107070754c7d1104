package eval

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// Print writes the report as plain-text tables: one line per field, one per
// one-vs-rest key, then per-label scores.
func (r *Report) Print(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "items\tscored\terrors\t\n%d\t%d\t%d\t\n\n", r.Items, r.Scored, r.Errors)
	fmt.Fprintln(tw, "field\tsupport\taccuracy\tmacro-F1\t")
	for _, f := range r.fieldsIn() {
		fr := r.Fields[f]
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.3f\t\n", f, fr.Support, fr.Accuracy, fr.MacroF1)
	}
	if len(r.OneVsRest) > 0 {
		fmt.Fprintln(tw, "\none-vs-rest\tsupport\tprecision\trecall\tF1\tmacro-F1\t")
		for _, k := range sortedKeys(r.OneVsRest) {
			b := r.OneVsRest[k]
			fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t\n", k, b.Support, b.Precision, b.Recall, b.F1, b.MacroF1)
		}
	}
	fmt.Fprintln(tw, "\nlabel\tsupport\tprecision\trecall\tF1\t")
	for _, f := range r.fieldsIn() {
		for _, l := range sortedKeys(r.Fields[f].Labels) {
			s := r.Fields[f].Labels[l]
			fmt.Fprintf(tw, "%s=%s\t%d\t%.3f\t%.3f\t%.3f\t\n", f, l, s.Support, s.Precision, s.Recall, s.F1)
		}
	}
	return tw.Flush()
}
