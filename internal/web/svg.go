package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// Charts are drawn on the server as inline SVG: no script, no CDN, and
// they print. Colours come from the stylesheet (classes s0..s7), so the
// content security policy needs no inline styles.

const (
	chartW, chartH = 640, 220
	padL, padR     = 48, 12
	padT, padB     = 12, 28
)

// series is one named line or bar stack layer; nil values are gaps.
type series struct {
	Name   string
	Values []*float64
}

type chart struct {
	Title  string
	Labels []string // x axis, one per value
	Series []series
	// Format renders an axis or tooltip value.
	Format func(float64) string
	// Max fixes the top of the y axis (1 for rates); 0 scales to the data.
	Max float64
	// Integer keeps the axis ticks on whole numbers (counts).
	Integer bool
}

// whole rounds an axis top up so that its four ticks are whole numbers.
func (c chart) whole(top float64) float64 {
	if !c.Integer {
		return top
	}
	return math.Max(4, math.Ceil(top/4)*4)
}

func (c chart) top() float64 {
	if c.Max > 0 {
		return c.Max
	}
	m := 0.0
	for _, s := range c.Series {
		for _, v := range s.Values {
			if v != nil {
				m = math.Max(m, *v)
			}
		}
	}
	if m == 0 {
		return 1
	}
	return niceCeil(m)
}

// stackTop is the largest stacked sum.
func (c chart) stackTop() float64 {
	m := 0.0
	for i := range c.Labels {
		sum := 0.0
		for _, s := range c.Series {
			if i < len(s.Values) && s.Values[i] != nil {
				sum += *s.Values[i]
			}
		}
		m = math.Max(m, sum)
	}
	if m == 0 {
		return 1
	}
	return niceCeil(m)
}

func niceCeil(v float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func (c chart) open(b *strings.Builder) {
	fmt.Fprintf(b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		chartW, chartH, template.HTMLEscapeString(c.Title))
	fmt.Fprintf(b, `<title>%s</title>`, template.HTMLEscapeString(c.Title))
}

func (c chart) axes(b *strings.Builder, top float64) {
	plotH := float64(chartH - padT - padB)
	for i := 0; i <= 4; i++ {
		v := top * float64(i) / 4
		y := float64(padT) + plotH - plotH*float64(i)/4
		fmt.Fprintf(b, `<line class="grid" x1="%d" y1="%.1f" x2="%d" y2="%.1f"/>`, padL, y, chartW-padR, y)
		fmt.Fprintf(b, `<text class="axis" x="%d" y="%.1f" text-anchor="end">%s</text>`, padL-6, y+4, template.HTMLEscapeString(c.Format(v)))
	}
	step := max(1, len(c.Labels)/8)
	for i, l := range c.Labels {
		if i%step != 0 {
			continue
		}
		fmt.Fprintf(b, `<text class="axis" x="%.1f" y="%d" text-anchor="middle">%s</text>`, c.x(i), chartH-8, template.HTMLEscapeString(shortDay(l)))
	}
}

func (c chart) x(i int) float64 {
	plotW := float64(chartW - padL - padR)
	n := max(1, len(c.Labels))
	return float64(padL) + plotW*(float64(i)+0.5)/float64(n)
}

func (c chart) y(v, top float64) float64 {
	plotH := float64(chartH - padT - padB)
	return float64(padT) + plotH - plotH*math.Min(v, top)/top
}

func (c chart) legend(b *strings.Builder) {
	x := padL
	for i, s := range c.Series {
		fmt.Fprintf(b, `<rect class="s%d" x="%d" y="0" width="10" height="10"/><text class="legend" x="%d" y="9">%s</text>`,
			i%8, x, x+14, template.HTMLEscapeString(s.Name))
		x += 24 + 7*len(s.Name)
	}
}

// Bars draws stacked bars, one stack per label.
func (c chart) Bars() template.HTML {
	var b strings.Builder
	c.open(&b)
	top := c.whole(c.stackTop())
	c.axes(&b, top)
	n := max(1, len(c.Labels))
	bw := math.Max(2, float64(chartW-padL-padR)/float64(n)*0.7)
	for i, label := range c.Labels {
		base := 0.0
		for si, s := range c.Series {
			if i >= len(s.Values) || s.Values[i] == nil || *s.Values[i] == 0 {
				continue
			}
			v := *s.Values[i]
			y0, y1 := c.y(base, top), c.y(base+v, top)
			fmt.Fprintf(&b, `<rect class="s%d" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s %s: %s</title></rect>`,
				si%8, c.x(i)-bw/2, y1, bw, y0-y1, template.HTMLEscapeString(label), template.HTMLEscapeString(s.Name), template.HTMLEscapeString(c.Format(v)))
			base += v
		}
	}
	c.legend(&b)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // built from escaped parts
}

// Lines draws one polyline per series, with a dot per value.
func (c chart) Lines() template.HTML {
	var b strings.Builder
	c.open(&b)
	top := c.whole(c.top())
	c.axes(&b, top)
	for si, s := range c.Series {
		var pts []string
		flush := func() {
			if len(pts) > 1 {
				fmt.Fprintf(&b, `<polyline class="line l%d" points="%s"/>`, si%8, strings.Join(pts, " "))
			}
			pts = pts[:0]
		}
		for i, v := range s.Values {
			if v == nil {
				flush()
				continue
			}
			x, y := c.x(i), c.y(*v, top)
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
			fmt.Fprintf(&b, `<circle class="s%d" cx="%.1f" cy="%.1f" r="3"><title>%s %s: %s</title></circle>`,
				si%8, x, y, template.HTMLEscapeString(c.Labels[i]), template.HTMLEscapeString(s.Name), template.HTMLEscapeString(c.Format(*v)))
		}
		flush()
	}
	c.legend(&b)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // built from escaped parts
}

// shortDay turns 2026-11-20 into 11-20; other labels pass through.
func shortDay(s string) string {
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		return s[5:]
	}
	return s
}

func fmtPct(v float64) string   { return fmt.Sprintf("%.0f%%", 100*v) }
func fmtCount(v float64) string { return fmt.Sprintf("%.0f", v) }
func fmtUSD(v float64) string   { return fmt.Sprintf("$%.4f", v) }
func fmtSecs(v float64) string  { return short(secondsDuration(v)) }
