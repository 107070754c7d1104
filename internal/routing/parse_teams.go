package routing

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// nameRE is the form of team and priority names.
var nameRE = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,39}$`)

const nameRule = "names are 1 to 40 lower-case letters, digits, _ or -, starting with a letter"

var teamKeys = []string{"webhook", "format", "secret_env"}

// teams reads the teams section: name: {webhook, format, secret_env}.
func (p *parser) teams(sec entry) {
	es := p.mapping(sec.val, "teams", nil)
	if len(es) == 0 {
		p.errorf(sec.key, "teams: at least one team is required")
	}
	for _, e := range es {
		p.r.teams = append(p.r.teams, p.team(e))
	}
}

func (p *parser) team(e entry) Team {
	t := Team{Name: e.key.Value}
	what := fmt.Sprintf("team %q", t.Name)
	if !nameRE.MatchString(t.Name) {
		p.errorf(e.key, "%s: %s", what, nameRule)
	}
	for _, f := range p.mapping(e.val, what, teamKeys) {
		switch f.key.Value {
		case "webhook":
			t.Webhook = p.webhook(f.val, what)
		case "format":
			t.Format = p.oneOf(f.val, what+": format", "format", Formats)
		case "secret_env":
			t.Secret = p.secret(f.val, what)
		}
	}
	if t.Webhook == "" && (t.Format != "" || t.Secret != "") {
		p.errorf(e.key, "%s: format and secret_env need a webhook", what)
	}
	if t.Webhook != "" && t.Format == "" {
		t.Format = FormatGeneric
	}
	return t
}

// webhook returns an absolute http(s) URL.
func (p *parser) webhook(n *yaml.Node, what string) string {
	s, ok := p.str(n, what+": webhook")
	if !ok {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		p.errorf(n, "%s: webhook %q is not an http(s) URL", what, s)
		return ""
	}
	return s
}

// secret returns the value of the environment variable n names. An unset
// or empty variable is an error: a team's payloads would go out unsigned.
func (p *parser) secret(n *yaml.Node, what string) string {
	name, ok := p.str(n, what+": secret_env")
	if !ok {
		return ""
	}
	v, _ := p.LookupEnv(name)
	if v == "" {
		p.errorf(n, "%s: secret_env: environment variable %s is not set", what, name)
	}
	return v
}

// priorities reads the priorities section: name: duration, most urgent
// first.
func (p *parser) priorities(sec entry) {
	es := p.mapping(sec.val, "priorities", nil)
	if len(es) == 0 {
		p.errorf(sec.key, "priorities: at least one priority is required")
	}
	for _, e := range es {
		what := fmt.Sprintf("priority %q", e.key.Value)
		if !nameRE.MatchString(e.key.Value) {
			p.errorf(e.key, "%s: %s", what, nameRule)
		}
		d, ok := p.duration(e.val, what)
		if last := len(p.r.priorities) - 1; ok && last >= 0 && d < p.r.priorities[last].sla {
			prev := p.r.priorities[last]
			p.errorf(e.val, "%s: %s is shorter than %s's %s; list priorities from most to least urgent", what, e.val.Value, prev.name, prev.sla)
		}
		p.r.priorities = append(p.r.priorities, priority{name: e.key.Value, sla: d})
	}
}

// duration reads a positive Go duration ("90m", "1h30m") or a number of
// days ("3d").
func (p *parser) duration(n *yaml.Node, what string) (time.Duration, bool) {
	s, ok := p.str(n, what)
	if !ok {
		return 0, false
	}
	d, err := parseDuration(s)
	if err != nil {
		p.errorf(n, "%s: %v", what, err)
		return 0, false
	}
	return d, true
}

func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if days, ok := strings.CutSuffix(s, "d"); ok && err != nil {
		n, aerr := strconv.Atoi(days)
		if aerr == nil && n > 0 && n <= 366 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	}
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("bad duration %q: want a positive Go duration (30m, 4h) or days (3d)", s)
	}
	return d, nil
}

// oneOf returns the scalar n when it is one of allowed.
func (p *parser) oneOf(n *yaml.Node, what, noun string, allowed []string) string {
	s, ok := p.str(n, what)
	if !ok {
		return ""
	}
	if !slices.Contains(allowed, s) {
		p.errorf(n, "%s: unknown %s %q (%s: %s)", what, noun, s, plural(noun), join(allowed))
		return ""
	}
	return s
}

func join(ss []string) string { return strings.Join(ss, ", ") }

// plural names the set a label belongs to in error messages.
func plural(noun string) string {
	switch {
	case strings.HasSuffix(noun, "y"):
		return strings.TrimSuffix(noun, "y") + "ies"
	case strings.HasSuffix(noun, "s"):
		return noun + "es"
	}
	return noun + "s"
}
