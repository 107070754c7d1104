package routing

import (
	"slices"
	"time"
)

// Rules is a validated rules file. It is immutable and safe for concurrent
// use. Build one with [Parse], [Load] or [Default].
type Rules struct {
	source string // file name, for logs

	// Who owns items and how urgent they are.
	teams      []Team     // file order
	priorities []priority // most urgent first
	rules      []rule     // first match wins
	fallback   target     // the default section

	// What happens after routing.
	escalation map[string]target // by priority breached
	autoClose  []policy
	qaSample   float64
}

// Team is an owning team and where its notifications go.
type Team struct {
	Name    string
	Webhook string // empty: the team is not notified by webhook
	Format  string // FormatGeneric or FormatSlack; empty without a webhook
	Secret  string // signing key, read from the variable named by secret_env at load
}

// Webhook payload formats a team may choose.
const (
	FormatGeneric = "generic" // GenericJSON, signed with Sign when the team has a secret
	FormatSlack   = "slack"   // SlackMessage, for a Slack incoming webhook
)

// Formats lists the accepted team formats.
var Formats = []string{FormatGeneric, FormatSlack}

type priority struct {
	name string
	sla  time.Duration
}

// target is a team and/or a priority: a rule's outcome, the default, or an
// escalation.
type target struct {
	team, priority string
}

type rule struct {
	name string
	when condition
	target
}

type policy struct {
	name          string
	when          condition
	minConfidence float64
}

// Source returns the name the rules were parsed under: the path given to
// Load, or "default.yaml" for the built-in rules.
func (r *Rules) Source() string { return r.source }

// Team returns the team called name, and false when there is none.
func (r *Rules) Team(name string) (Team, bool) {
	i := slices.IndexFunc(r.teams, func(t Team) bool { return t.Name == name })
	if i < 0 {
		return Team{}, false
	}
	return r.teams[i], true
}

// Teams returns the team names in file order.
func (r *Rules) Teams() []string {
	out := make([]string, len(r.teams))
	for i, t := range r.teams {
		out[i] = t.Name
	}
	return out
}

// Priorities returns the priority names from most to least urgent.
func (r *Rules) Priorities() []string {
	out := make([]string, len(r.priorities))
	for i, p := range r.priorities {
		out[i] = p.name
	}
	return out
}

// SLA returns the time allowed to act on an item of priority name, and 0
// for an unknown priority.
func (r *Rules) SLA(name string) time.Duration {
	i := r.rank(name)
	if i < 0 {
		return 0
	}
	return r.priorities[i].sla
}

// rank returns the position of priority name, 0 being the most urgent, or
// -1 when there is no such priority.
func (r *Rules) rank(name string) int {
	return slices.IndexFunc(r.priorities, func(p priority) bool { return p.name == name })
}

// Fallback returns the team and priority of the default section: the
// owner of what no rule matches.
func (r *Rules) Fallback() (team, priority string) { return r.fallback.team, r.fallback.priority }
