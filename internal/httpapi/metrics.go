package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/metrics"
)

// MetricsReporter computes manager metrics from item history
// (metrics.Service).
type MetricsReporter interface {
	Report(ctx context.Context, f metrics.Filter, group metrics.Group) (metrics.Report, error)
}

func (s *Server) routeMetrics() {
	s.handle("GET /v1/metrics", managers, s.handleMetricsReport)
}

// parseTime accepts an RFC 3339 time or a date (2006-01-02, midnight UTC).
func parseTime(v string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, v)
}

// handleMetricsReport serves GET /v1/metrics?from=&to=&group=&channel=&team=&intent=:
// from and to bound received_at ([from, to), dates or RFC 3339 times;
// either may be left out), group is day, channel, intent, team or empty for
// the totals alone.
func (s *Server) handleMetricsReport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := metrics.Filter{Channel: q.Get("channel"), Team: q.Get("team"), Intent: q.Get("intent")}
	var bad []apperr.FieldError
	for name, dst := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		if v := q.Get(name); v != "" {
			t, err := parseTime(v)
			if err != nil {
				bad = append(bad, apperr.FieldError{Field: name, Message: "a date (2026-11-20) or an RFC 3339 time"})
				continue
			}
			*dst = t
		}
	}
	group := metrics.Group(q.Get("group"))
	if !group.Valid() {
		bad = append(bad, apperr.FieldError{Field: "group", Message: "day, channel, intent, team, or empty for the totals"})
	}
	if len(bad) > 0 {
		writeError(w, r, s.cfg.Logger, apperr.Invalid("invalid query", bad...))
		return
	}
	rep, err := s.cfg.Metrics.Report(r.Context(), f, group)
	if err != nil {
		writeError(w, r, s.cfg.Logger, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}
