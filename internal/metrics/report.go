package metrics

import (
	"context"
	"fmt"
	"time"

	"github.com/triage-oss/triage/internal/apperr"
)

// Filter selects the items a report covers. Zero values select everything.
type Filter struct {
	// From and To bound when items were received: From <= received_at < To.
	// A zero From or To leaves that side open.
	From time.Time `json:"from,omitzero"`
	To   time.Time `json:"to,omitzero"`
	// Channel, Team and Intent, when set, keep the items of that channel,
	// team (items.team; "unrouted" for items without one) and intent (of
	// the item's latest classification; "unclassified" without one).
	Channel string `json:"channel,omitempty"`
	Team    string `json:"team,omitempty"`
	Intent  string `json:"intent,omitempty"`
}

// Group is how a report splits its rows.
type Group string

// Groups.
const (
	GroupNone    Group = ""        // no rows, only the totals
	GroupDay     Group = "day"     // the UTC date of received_at, 2006-01-02
	GroupChannel Group = "channel" // items.channel
	GroupIntent  Group = "intent"  // the latest classification's intent, or "unclassified"
	GroupTeam    Group = "team"    // items.team, or "unrouted"
)

// Valid reports whether g is one of the groups above.
func (g Group) Valid() bool {
	switch g {
	case GroupNone, GroupDay, GroupChannel, GroupIntent, GroupTeam:
		return true
	}
	return false
}

// Labels that stand for a missing team or intent in rows and filters.
const (
	Unrouted     = "unrouted"
	Unclassified = "unclassified"
)

// Report is the managers' metrics of the items a filter selects.
type Report struct {
	Filter Filter `json:"filter"`
	Group  Group  `json:"group"`
	// Rows has one row per group key that has items, in key order; empty
	// for GroupNone.
	Rows []Row `json:"rows"`
	// Total covers every selected item.
	Total Row `json:"total"`
}

// Row is the metrics of the items of one group key, or of all of them.
// Rates are nil when their denominator is zero.
type Row struct {
	// Key is the group's value (a date, channel, intent or team); "" for
	// the totals.
	Key string `json:"key"`
	// Volume is how many items were received.
	Volume int64 `json:"volume"`

	// Auto-closure: items that entered auto_closed, and the QA reviews of
	// the items sampled after being closed without a reply (by a policy
	// rule or by the prefilter). AuditedPrecision is QACorrect over
	// QACorrect + QAIncorrect.
	AutoClosed       int64    `json:"auto_closed"`
	AutoClosureRate  *float64 `json:"auto_closure_rate"`
	QASampled        int64    `json:"qa_sampled"`
	QACorrect        int64    `json:"qa_correct"`
	QAIncorrect      int64    `json:"qa_incorrect"`
	AuditedPrecision *float64 `json:"audited_precision"`

	// Noise: items that entered filtered (the prefilter) or duplicate.
	NoiseFiltered int64    `json:"noise_filtered"`
	NoiseShare    *float64 `json:"noise_share"`

	// Responses. NeedingReply is the items neither noise-filtered nor
	// auto-closed; Replied the items that reached replied; ResponseRate
	// the share of NeedingReply that reached replied. Time to first
	// response runs from received_at to the first event entering replied,
	// over the replied items, in seconds (percentiles interpolated
	// linearly).
	NeedingReply              int64    `json:"needing_reply"`
	Replied                   int64    `json:"replied"`
	ResponseRate              *float64 `json:"response_rate"`
	TimeToFirstResponseP50Sec *float64 `json:"time_to_first_response_p50_seconds"`
	TimeToFirstResponseP90Sec *float64 `json:"time_to_first_response_p90_seconds"`

	// Resolution: items whose current state is final (replied, closed,
	// auto_closed, filtered, duplicate).
	Resolved       int64    `json:"resolved"`
	ResolutionRate *float64 `json:"resolution_rate"`

	// SLA: of the items given a deadline, those never flagged as breached
	// (including open items not yet due) and those breached.
	SLAItems     int64    `json:"sla_items"`
	SLAMet       int64    `json:"sla_met"`
	SLABreached  int64    `json:"sla_breached"`
	SLAAdherence *float64 `json:"sla_adherence"`

	// Drafts: items with a draft, and those whose draft was sent or
	// rejected.
	Drafted        int64 `json:"drafted"`
	DraftsSent     int64 `json:"drafts_sent"`
	DraftsRejected int64 `json:"drafts_rejected"`

	// Model usage of the items (calls recorded with their item id), and
	// its cost at the service's prices. UnpricedCalls are calls to models
	// without a price, counted at zero cost.
	ModelCalls        int64    `json:"model_calls"`
	UnpricedCalls     int64    `json:"unpriced_calls"`
	PromptTokens      int64    `json:"prompt_tokens"`
	CompletionTokens  int64    `json:"completion_tokens"`
	CostUSD           float64  `json:"cost_usd"`
	ModelCallsPerItem *float64 `json:"model_calls_per_item"`
	CostPerItemUSD    *float64 `json:"cost_per_item_usd"`
}

// Report computes the metrics of the items f selects, from their history,
// per key of group and in total. It returns an EINVALID error for an
// unknown group or a period that ends before it starts.
func (s *Service) Report(ctx context.Context, f Filter, group Group) (Report, error) {
	if err := validate(f, group); err != nil {
		return Report{}, err
	}
	models, in, out := s.priceArrays()
	rows, err := s.pool.Query(ctx, queries.Get("Report"), optTime(f.From), optTime(f.To), f.Channel, f.Team, f.Intent,
		string(group), models, in, out)
	if err != nil {
		return Report{}, fmt.Errorf("metrics report: %w", err)
	}
	defer rows.Close()
	rep := Report{Filter: f, Group: group, Rows: []Row{}}
	for rows.Next() {
		var total bool
		var r Row
		var neededReplied int64
		if err := rows.Scan(&total, &r.Key, &r.Volume, &r.AutoClosed, &r.QASampled, &r.QACorrect, &r.QAIncorrect,
			&r.NoiseFiltered, &r.NeedingReply, &r.Replied, &neededReplied, &r.TimeToFirstResponseP50Sec,
			&r.TimeToFirstResponseP90Sec, &r.Resolved, &r.SLAItems, &r.SLABreached, &r.Drafted, &r.DraftsSent,
			&r.DraftsRejected, &r.ModelCalls, &r.UnpricedCalls, &r.PromptTokens, &r.CompletionTokens, &r.CostUSD); err != nil {
			return Report{}, fmt.Errorf("metrics report: %w", err)
		}
		r.derive(neededReplied)
		switch {
		case total:
			rep.Total = r
		case group != GroupNone:
			rep.Rows = append(rep.Rows, r)
		}
	}
	if err := rows.Err(); err != nil {
		return Report{}, fmt.Errorf("metrics report: %w", err)
	}
	return rep, nil
}

func validate(f Filter, group Group) error {
	var fields []apperr.FieldError
	if !group.Valid() {
		fields = append(fields, apperr.FieldError{Field: "group", Message: fmt.Sprintf("unknown group %q; one of day, channel, intent, team, or empty", group)})
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		fields = append(fields, apperr.FieldError{Field: "to", Message: "must be after from"})
	}
	if len(fields) > 0 {
		return apperr.Invalid("invalid metrics report", fields...)
	}
	return nil
}

// derive fills the rates from the counts; neededReplied is how many of the
// items needing a reply got one.
func (r *Row) derive(neededReplied int64) {
	r.SLAMet = r.SLAItems - r.SLABreached
	r.AutoClosureRate = ratio(r.AutoClosed, r.Volume)
	r.AuditedPrecision = ratio(r.QACorrect, r.QACorrect+r.QAIncorrect)
	r.NoiseShare = ratio(r.NoiseFiltered, r.Volume)
	r.ResponseRate = ratio(neededReplied, r.NeedingReply)
	r.ResolutionRate = ratio(r.Resolved, r.Volume)
	r.SLAAdherence = ratio(r.SLAMet, r.SLAItems)
	r.ModelCallsPerItem = ratio(r.ModelCalls, r.Volume)
	if r.Volume > 0 {
		c := r.CostUSD / float64(r.Volume)
		r.CostPerItemUSD = &c
	}
}

func (s *Service) priceArrays() (models []string, in, out []float64) {
	for m, p := range s.prices {
		models = append(models, m)
		in = append(in, p.InputPerMillion)
		out = append(out, p.OutputPerMillion)
	}
	return models, in, out
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func ratio(a, b int64) *float64 {
	if b == 0 {
		return nil
	}
	r := float64(a) / float64(b)
	return &r
}
