package eval

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"

	"github.com/triage-oss/triage/internal/taxonomy"
)

//go:embed compare.html
var compareHTML string

var compareTemplate = template.Must(template.New("compare").Funcs(template.FuncMap{
	"fixed": fixed, "signed": signed, "interval": interval, "pValue": pValue, "marked": marked,
	"tone": tone, "pct": func(x float64) float64 { return 100 * x },
	"inc":  func(i int) int { return i + 1 },
	"text": func(s string) string { return stripControlsExcept(s, "\n\t") },
	"rows": Flip.rows, "summary": Flip.summary, "started": startedAt,
}).Parse(compareHTML))

// HTML writes the comparison as a standalone HTML page, with inline CSS
// and nothing to fetch: the runs, the keys with their deltas, intervals
// and McNemar's p, reliability tables, the labels whose scores changed,
// and every flipped item. Everything from the runs, item text first, is
// escaped.
func (c Comparison) HTML(w io.Writer) error {
	var b bytes.Buffer
	v := htmlView{Comparison: c, Calibration: c.calibrationRows(), Labels: c.changedLabels()}
	if err := compareTemplate.Execute(&b, v); err != nil {
		return fmt.Errorf("render comparison HTML: %w", err)
	}
	_, err := b.WriteTo(w)
	return err
}

// htmlView is what the HTML template shows.
type htmlView struct {
	Comparison
	Calibration []calibrationView
	Labels      []changedLabel
}

// calibrationView is the reliability tables of one field side by side.
type calibrationView struct {
	Field string
	A, B  Calibration
	Rows  []binPair
}

// binPair is one bin of both runs, A then B.
type binPair struct {
	Lower, Upper float64
	Pair         [2]CalibrationBin
}

func (c Comparison) calibrationRows() []calibrationView {
	var out []calibrationView
	for _, f := range taxonomy.Fields {
		a, okA := c.CalibrationA[string(f)]
		b, okB := c.CalibrationB[string(f)]
		if !okA && !okB {
			continue
		}
		v := calibrationView{Field: string(f), A: a, B: b}
		v.Rows = make([]binPair, CalibrationBins)
		for i := range v.Rows {
			v.Rows[i].Lower, v.Rows[i].Upper = float64(i)/CalibrationBins, float64(i+1)/CalibrationBins
			v.Rows[i].Pair = [2]CalibrationBin{binAt(a, i), binAt(b, i)}
		}
		out = append(out, v)
	}
	return out
}

// binAt returns bin i of c, empty when c has none (the field was not
// scored in that run).
func binAt(c Calibration, i int) CalibrationBin {
	if i < len(c.Bins) {
		return c.Bins[i]
	}
	return CalibrationBin{}
}

// tone is the CSS class of a change: up or down, and sig when significant.
func tone(ch Change) string {
	t := ""
	switch {
	case ch.Delta > 0:
		t = "up"
	case ch.Delta < 0:
		t = "down"
	}
	if ch.Significant {
		t += " sig"
	}
	return t
}
