package web

import (
	"cmp"
	"html/template"
	"net/http"
	"slices"
	"time"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/metrics"
	"github.com/triage-oss/triage/internal/users"
)

// dashboardChannels is how many channels the volume chart shows apart;
// the rest are stacked as "other".
const dashboardChannels = 6

type dashboardData struct {
	From, To      string
	Channel, Team string
	Total         metrics.Row
	ByChannel     []metrics.Row
	ByTeam        []metrics.Row
	Charts        []figure
	Channels      []string
	Teams         []string
	Days          int
}

// figure is a chart with its caption.
type figure struct {
	Title string
	SVG   template.HTML
}

func fig(c chart, bars bool) figure {
	if bars {
		return figure{c.Title, c.Bars()}
	}
	return figure{c.Title, c.Lines()}
}

func secondsDuration(v float64) time.Duration { return time.Duration(v * float64(time.Second)) }

func (h *Handler) dashboard(w http.ResponseWriter, r *http.Request, sess users.Session) {
	q := r.URL.Query()
	now := h.cfg.Now().UTC()
	to := now.Truncate(24*time.Hour).AddDate(0, 0, 1)
	from := to.AddDate(0, 0, -14)
	var bad []apperr.FieldError
	for name, dst := range map[string]*time.Time{"from": &from, "to": &to} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.DateOnly, v)
			if err != nil {
				bad = append(bad, apperr.FieldError{Field: name, Message: "a date such as 2026-11-20"})
				continue
			}
			*dst = t
		}
	}
	if len(bad) == 0 && !from.Before(to) {
		bad = append(bad, apperr.FieldError{Field: "from", Message: "before to"})
	}
	if len(bad) == 0 && to.Sub(from) > 366*24*time.Hour {
		bad = append(bad, apperr.FieldError{Field: "from", Message: "at most a year before to"})
	}
	if len(bad) > 0 {
		h.fail(w, r, apperr.Invalid("invalid dashboard filter", bad...))
		return
	}
	d, err := h.dashboardData(r, metrics.Filter{From: from, To: to, Channel: q.Get("channel"), Team: q.Get("team")})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "dashboard", sess, d)
}

func (h *Handler) dashboardData(r *http.Request, f metrics.Filter) (dashboardData, error) {
	ctx := r.Context()
	d := dashboardData{From: f.From.Format(time.DateOnly), To: f.To.Format(time.DateOnly), Channel: f.Channel, Team: f.Team}
	byDay, err := h.cfg.Metrics.Report(ctx, f, metrics.GroupDay)
	if err != nil {
		return d, err
	}
	byChannel, err := h.cfg.Metrics.Report(ctx, f, metrics.GroupChannel)
	if err != nil {
		return d, err
	}
	byTeam, err := h.cfg.Metrics.Report(ctx, f, metrics.GroupTeam)
	if err != nil {
		return d, err
	}
	d.Total, d.ByChannel, d.ByTeam = byDay.Total, byChannel.Rows, byTeam.Rows
	// Every day of the range is on the axis, with or without items.
	rows := map[string]metrics.Row{}
	for _, row := range byDay.Rows {
		rows[row.Key] = row
	}
	var days []string
	for t := f.From; t.Before(f.To); t = t.AddDate(0, 0, 1) {
		days = append(days, t.Format(time.DateOnly))
	}
	d.Days = len(days)
	pick := func(fn func(metrics.Row) *float64) []*float64 {
		out := make([]*float64, len(days))
		for i, day := range days {
			if row, ok := rows[day]; ok {
				out[i] = fn(row)
			}
		}
		return out
	}
	count := func(fn func(metrics.Row) int64) func(metrics.Row) *float64 {
		return func(r metrics.Row) *float64 { v := float64(fn(r)); return &v }
	}

	volume, err := h.volumeByChannel(r, f, days, byChannel.Rows)
	if err != nil {
		return d, err
	}
	d.Charts = []figure{
		volume,
		fig(chart{Title: "Auto-closure rate and its audited precision", Labels: days, Max: 1, Format: fmtPct, Series: []series{
			{"auto-closure rate", pick(func(r metrics.Row) *float64 { return r.AutoClosureRate })},
			{"audited precision", pick(func(r metrics.Row) *float64 { return r.AuditedPrecision })},
		}}, false),
		fig(chart{Title: "Time to first response", Labels: days, Format: fmtSecs, Series: []series{
			{"p50", pick(func(r metrics.Row) *float64 { return r.TimeToFirstResponseP50Sec })},
			{"p90", pick(func(r metrics.Row) *float64 { return r.TimeToFirstResponseP90Sec })},
		}}, false),
		fig(chart{Title: "SLA adherence, response and resolution", Labels: days, Max: 1, Format: fmtPct, Series: []series{
			{"SLA met", pick(func(r metrics.Row) *float64 { return r.SLAAdherence })},
			{"responded", pick(func(r metrics.Row) *float64 { return r.ResponseRate })},
			{"resolved", pick(func(r metrics.Row) *float64 { return r.ResolutionRate })},
		}}, false),
		fig(chart{Title: "Noise filtered and auto-closed", Labels: days, Format: fmtCount, Integer: true, Series: []series{
			{"noise filtered", pick(count(func(r metrics.Row) int64 { return r.NoiseFiltered }))},
			{"auto-closed", pick(count(func(r metrics.Row) int64 { return r.AutoClosed }))},
		}}, true),
		fig(chart{Title: "Model cost per item", Labels: days, Format: fmtUSD, Series: []series{
			{"cost per item", pick(func(r metrics.Row) *float64 { return r.CostPerItemUSD })},
		}}, false),
	}
	for _, row := range byChannel.Rows {
		d.Channels = append(d.Channels, row.Key)
	}
	for _, row := range byTeam.Rows {
		d.Teams = append(d.Teams, row.Key)
	}
	return d, nil
}

// volumeByChannel stacks each day's volume by channel: the busiest
// channels apart, the rest as "other".
func (h *Handler) volumeByChannel(r *http.Request, f metrics.Filter, days []string, channels []metrics.Row) (figure, error) {
	channels = slices.Clone(channels)
	slices.SortFunc(channels, func(a, b metrics.Row) int { return cmp.Or(cmp.Compare(b.Volume, a.Volume), cmp.Compare(a.Key, b.Key)) })
	index := map[string]int{}
	for i, d := range days {
		index[d] = i
	}
	var ss []series
	other := make([]*float64, len(days))
	for i, ch := range channels {
		cf := f
		cf.Channel = ch.Key
		rep, err := h.cfg.Metrics.Report(r.Context(), cf, metrics.GroupDay)
		if err != nil {
			return figure{}, err
		}
		vals := make([]*float64, len(days))
		if i >= dashboardChannels {
			vals = other
		}
		for _, row := range rep.Rows {
			j, ok := index[row.Key]
			if !ok {
				continue
			}
			v := float64(row.Volume)
			if vals[j] != nil {
				v += *vals[j]
			}
			vals[j] = &v
		}
		if i < dashboardChannels {
			ss = append(ss, series{Name: ch.Key, Values: vals})
		}
	}
	if len(channels) > dashboardChannels {
		ss = append(ss, series{Name: "other", Values: other})
	}
	return fig(chart{Title: "Volume by day and channel", Labels: days, Format: fmtCount, Integer: true, Series: ss}, true), nil
}
