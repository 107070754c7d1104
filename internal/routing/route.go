package routing

import (
	"cmp"
	"time"

	"github.com/triage-oss/triage/internal/taxonomy"
)

// Input is what routing looks at: an item's labels, its channel and text.
type Input struct {
	Labels  taxonomy.Classification
	Channel string // as in items.Channels: "x", "email", "discord"...
	Text    string // matched by keywords
}

// Decision is where an item goes and how soon it needs an answer.
type Decision struct {
	Rule     string        // the rule that matched, or DefaultRule
	Team     string        // the owning team
	Priority string        // a priority of the rules file
	SLA      time.Duration // time allowed from routing (or from a breach, after Escalate)
	Notify   string        // set by Escalate: a team to notify besides Team; usually empty
}

// Deadline returns the time the decision's SLA ends, counted from start
// (the item's arrival for a routed item, the breach for an escalated one).
func (d Decision) Deadline(start time.Time) time.Time { return start.Add(d.SLA) }

// Route returns the decision of the first rule whose when matches in; a
// team or priority the rule leaves out comes from the default section, and
// an item no rule matches gets the default with Rule set to DefaultRule.
func (r *Rules) Route(in Input) Decision {
	t := &text{raw: in.Text}
	for _, rl := range r.rules {
		if rl.when.match(in, t) {
			return r.decide(rl.name, rl.target)
		}
	}
	return r.decide(DefaultRule, target{})
}

func (r *Rules) decide(name string, t target) Decision {
	team := cmp.Or(t.team, r.fallback.team)
	prio := cmp.Or(t.priority, r.fallback.priority)
	return Decision{Rule: name, Team: team, Priority: prio, SLA: r.SLA(prio)}
}

// Escalate returns what an SLA breach turns d into, following the
// escalation entry of d's priority: Notify is the extra team to alert (empty
// when the entry names none or names the owner), and a raised priority
// brings its own SLA, counted from the breach. Team and Rule never change.
// Without an entry for d's priority, d comes back with Notify cleared: the
// owner alone is told of the breach. See [Rules.Escalates].
func (r *Rules) Escalate(d Decision) Decision {
	d.Notify = ""
	e, ok := r.escalation[d.Priority]
	if !ok {
		return d
	}
	if e.team != d.Team {
		d.Notify = e.team
	}
	if e.priority != "" {
		d.Priority, d.SLA = e.priority, r.SLA(e.priority)
	}
	return d
}

// Escalates reports whether the rules say anything about a breach at
// priority: a team to notify or a priority to raise to.
func (r *Rules) Escalates(priority string) bool {
	_, ok := r.escalation[priority]
	return ok
}
