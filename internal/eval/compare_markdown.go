package eval

import (
	"fmt"
	"io"
	"strings"
)

// MarkdownFlips is how many flipped items Markdown lists; the rest are
// counted.
const MarkdownFlips = 50

// Markdown writes the comparison as Markdown that reads well in a terminal:
// the two runs, a table of keys with the deltas, their 95% intervals and
// McNemar's p (a delta whose interval excludes 0 is marked *), calibration,
// the labels whose scores changed, and the first MarkdownFlips flipped
// items, worst first. Item ids and text are escaped and stripped of
// control characters.
func (c Comparison) Markdown(w io.Writer) error {
	var b strings.Builder
	c.mdRuns(&b)
	c.mdKeys(&b)
	c.mdCalibration(&b)
	c.mdLabels(&b)
	c.mdFlips(&b)
	_, err := io.WriteString(w, b.String())
	return err
}

func (c Comparison) mdRuns(b *strings.Builder) {
	b.WriteString("# Eval comparison: B against A\n\n")
	prompt := func(r RunInfo) string { return strings.TrimSpace(r.Prompt + " " + r.PromptHash) }
	mdTable(b, "lll", []string{"", "A", "B"}, [][]string{
		{"set", c.A.Set, c.B.Set},
		{"backend", c.A.Backend, c.B.Backend},
		{"model", c.A.Model, c.B.Model},
		{"prompt", prompt(c.A), prompt(c.B)},
		{"started", startedAt(c.A), startedAt(c.B)},
		{"items", fmt.Sprint(c.A.Items), fmt.Sprint(c.B.Items)},
		{"errors", fmt.Sprint(c.A.Errors), fmt.Sprint(c.B.Errors)},
	})
	fmt.Fprintf(b, "\n%d items paired; %d only in A and %d only in B, not compared.\n", c.Paired, len(c.OnlyA), len(c.OnlyB))
	if c.A.Set != c.B.Set {
		b.WriteString("Warning: the runs are on different sets.\n")
	}
	if len(c.Relabelled) > 0 {
		fmt.Fprintf(b, "%d items expect different labels in A and B and are not compared on those keys.\n", len(c.Relabelled))
	}
}

func (c Comparison) mdKeys(b *strings.Builder) {
	b.WriteString("\n## Keys\n\n")
	var rows [][]string
	for _, k := range c.Keys {
		row := []string{k.Key, fmt.Sprint(k.N), fixed(k.Accuracy.A), fixed(k.Accuracy.B), marked(k.Accuracy), interval(k.Accuracy.CI),
			fmt.Sprintf("%d/%d", k.McNemar.RightToWrong, k.McNemar.WrongToRight), pValue(k.McNemar.P)}
		if m := k.MacroF1; m != nil {
			row = append(row, fixed(m.A), fixed(m.B), marked(*m), interval(m.CI))
		} else {
			row = append(row, "", "", "", "")
		}
		rows = append(rows, row)
	}
	mdTable(b, "lrrrrrrrrrrr", []string{"key", "n", "acc A", "acc B", "Δ acc", "95% CI", "b/c", "McNemar p",
		"F1 A", "F1 B", "Δ macro-F1", "95% CI"}, rows)
	fmt.Fprintf(b, "\nA delta marked * has a 95%% paired bootstrap interval (%d resamples, seed %d) that excludes 0. "+
		"b/c: items right in A and wrong in B / wrong in A and right in B.\n", c.Resamples, c.Seed)
}

func (c Comparison) mdCalibration(b *strings.Builder) {
	var rows [][]string
	for _, v := range c.calibrationRows() {
		rows = append(rows, []string{v.Field, fixed(v.A.ECE), fixed(v.B.ECE), signed(v.B.ECE - v.A.ECE)})
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(b, "\n## Calibration\n\nExpected calibration error, %d confidence bins; lower is better.\n\n", CalibrationBins)
	mdTable(b, "lrrr", []string{"field", "ECE A", "ECE B", "Δ"}, rows)
}

func (c Comparison) mdLabels(b *strings.Builder) {
	var rows [][]string
	for _, l := range c.changedLabels() {
		rows = append(rows, []string{l.Key + "=" + l.Label, fmt.Sprint(l.A.Support), signed(l.Precision),
			signed(l.Recall), fixed(l.A.F1), fixed(l.B.F1), signed(l.F1)})
	}
	if len(rows) == 0 {
		return
	}
	b.WriteString("\n## Labels that changed\n\n")
	mdTable(b, "lrrrrrr", []string{"label", "support", "Δ precision", "Δ recall", "F1 A", "F1 B", "Δ F1"}, rows)
}

func (c Comparison) mdFlips(b *strings.Builder) {
	regressed := 0
	for _, f := range c.Flipped {
		if len(f.Regressions) > 0 {
			regressed++
		}
	}
	fmt.Fprintf(b, "\n## Flipped items\n\n%d items changed: %d with regressions, %d with fixes only.\n",
		len(c.Flipped), regressed, len(c.Flipped)-regressed)
	for i, f := range c.Flipped[:min(len(c.Flipped), MarkdownFlips)] {
		fmt.Fprintf(b, "\n### %d. Item %s (%s)\n\n> %s\n\n", i+1, mdText(f.ID, 100), f.summary(), mdText(f.Text, 280))
		mdTable(b, "lllll", []string{"key", "expected", "A", "B", "change"}, f.rows())
	}
	if rest := len(c.Flipped) - MarkdownFlips; rest > 0 {
		fmt.Fprintf(b, "\n… and %d more flipped items (see the JSON or HTML report).\n", rest)
	}
}

// summary counts the regressions and fixes: "1 regression, 2 fixes".
func (f Flip) summary() string {
	var parts []string
	if n := len(f.Regressions); n > 0 {
		parts = append(parts, plural(n, "regression"))
	}
	if n := len(f.Fixes); n > 0 {
		parts = append(parts, plural(n, "fix"))
	}
	return strings.Join(parts, ", ")
}

// startedAt is when r started, or "" when unknown.
func startedAt(r RunInfo) string {
	if r.StartedAt.IsZero() {
		return ""
	}
	return r.StartedAt.Format("2006-01-02 15:04 MST")
}

// rows returns one table row per flipped key: regressions, then fixes.
func (f Flip) rows() [][]string {
	var rows [][]string
	for _, k := range f.Regressions {
		rows = append(rows, f.row(k, "regression"))
	}
	for _, k := range f.Fixes {
		rows = append(rows, f.row(k, "fix"))
	}
	return rows
}

func (f Flip) row(key, change string) []string {
	field, _ := splitKey(key)
	fs := string(field)
	return []string{key, f.Expected[key], answer(f.PredictedA[fs], f.ConfidenceA[fs]),
		answer(f.PredictedB[fs], f.ConfidenceB[fs]), change}
}

func answer(label string, conf float64) string { return fmt.Sprintf("%s (%.2f)", label, conf) }

func fixed(x float64) string  { return fmt.Sprintf("%.3f", x) }
func signed(x float64) string { return fmt.Sprintf("%+.3f", x) }

func interval(iv Interval) string { return fmt.Sprintf("[%+.3f, %+.3f]", iv.Low, iv.High) }

// marked is the delta of ch, followed by * when significant.
func marked(ch Change) string {
	if ch.Significant {
		return signed(ch.Delta) + "*"
	}
	return signed(ch.Delta)
}

func pValue(p float64) string {
	if p < 0.0001 {
		return "<0.0001"
	}
	return fmt.Sprintf("%.4f", p)
}
