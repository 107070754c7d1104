package routing

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// DefaultRule is the rule name a Decision carries when no rule matched and
// the default section decided. No rule may take this name.
const DefaultRule = "default"

// DefaultQASample is the share of auto-closed items sampled for QA review
// when a rules file sets no qa_sample.
const DefaultQASample = 0.1

// MaxRuleName bounds rule and policy names, which end up in logs and audit
// records.
const MaxRuleName = 100

var (
	ruleKeys   = []string{"name", "when", "team", "priority"}
	targetKeys = []string{"team", "priority"}
	policyKeys = []string{"name", "when", "min_confidence"}
)

// rules reads the rules section, a list tried in order.
func (p *parser) rules(sec entry) {
	seen := map[string]int{}
	for i, n := range p.sequence(sec.val, "rules") {
		what := fmt.Sprintf("rule #%d", i+1)
		if n.Kind != yaml.MappingNode {
			p.errorf(n, "%s: want a mapping with name, when, team and priority, got %s", what, kind(n))
			continue
		}
		es := p.mapping(n, what, ruleKeys)
		rl := rule{name: p.ruleName(n, es, what, seen)}
		if rl.name != "" {
			what = fmt.Sprintf("rule %q", rl.name)
		}
		for _, e := range es {
			p.ruleField(&rl, e, what)
		}
		if !has(es, "when") {
			p.errorf(n, "%s: when is required (the default section handles what no rule matches)", what)
		}
		if !has(es, "team") && !has(es, "priority") {
			p.errorf(n, "%s: set a team, a priority or both", what)
		}
		p.r.rules = append(p.r.rules, rl)
	}
}

func (p *parser) ruleField(rl *rule, e entry, what string) {
	switch e.key.Value {
	case "when":
		rl.when = p.when(e, what, false)
	case "team":
		rl.team = p.oneOf(e.val, what, "team", p.r.Teams())
	case "priority":
		rl.priority = p.oneOf(e.val, what, "priority", p.r.Priorities())
	}
}

// ruleName reads the name of a rule or policy and reports a missing,
// reserved or repeated one. seen maps names to their lines.
func (p *parser) ruleName(n *yaml.Node, es []entry, what string, seen map[string]int) string {
	i := index(es, "name")
	if i < 0 {
		p.errorf(n, "%s: name is required", what)
		return ""
	}
	name, ok := p.str(es[i].val, what+": name")
	switch {
	case !ok:
		return ""
	case name == DefaultRule || len(name) > MaxRuleName || strings.TrimSpace(name) != name:
		p.errorf(es[i].val, "%s: name %q: reserved, longer than %d bytes, or padded with spaces", what, name, MaxRuleName)
	case seen[name] > 0:
		p.errorf(es[i].val, "%s: name %q already used at line %d", what, name, seen[name])
	default:
		seen[name] = es[i].val.Line
	}
	return name
}

// fallback reads the default section: {team, priority}, both required.
func (p *parser) fallback(sec entry) {
	es := p.mapping(sec.val, "default", targetKeys)
	if sec.val.Kind != yaml.MappingNode && !isNull(sec.val) {
		return // reported by mapping
	}
	if !has(es, "team") || !has(es, "priority") {
		p.errorf(sec.key, "default: both team and priority are required")
	}
	p.r.fallback = p.target(es, "default")
}

// target reads team and priority from the pairs of a mapping.
func (p *parser) target(es []entry, what string) target {
	var t target
	for _, e := range es {
		if e.key.Value == "team" {
			t.team = p.oneOf(e.val, what, "team", p.r.Teams())
		} else {
			t.priority = p.oneOf(e.val, what, "priority", p.r.Priorities())
		}
	}
	return t
}

// escalation reads the escalation section: breached priority: {team,
// priority}. An escalation may only raise a priority, so that repeated
// breaches end.
func (p *parser) escalation(sec entry) {
	p.r.escalation = map[string]target{}
	for _, e := range p.mapping(sec.val, "escalation", nil) {
		what := "escalation " + e.key.Value
		from := p.r.rank(e.key.Value)
		if from < 0 {
			p.errorf(e.key, "escalation: unknown priority %q (priorities: %s)", e.key.Value, join(p.r.Priorities()))
		}
		es := p.mapping(e.val, what, targetKeys)
		if len(es) == 0 {
			p.errorf(e.key, "%s: set a team to notify, a priority to raise to, or both", what)
		}
		t := p.target(es, what)
		if to := p.r.rank(t.priority); from >= 0 && to >= from {
			p.errorf(es[index(es, "priority")].val, "%s: priority %s is not more urgent than %s", what, t.priority, e.key.Value)
		}
		p.r.escalation[e.key.Value] = t
	}
}

// autoClose reads the auto_close section, a list of policies.
func (p *parser) autoClose(sec entry) {
	seen := map[string]int{}
	for i, n := range p.sequence(sec.val, "auto_close") {
		pol := policy{name: fmt.Sprintf("auto_close #%d", i+1)}
		if n.Kind != yaml.MappingNode {
			p.errorf(n, "%s: want a mapping with when and min_confidence, got %s", pol.name, kind(n))
			continue
		}
		es := p.mapping(n, pol.name, policyKeys)
		if has(es, "name") {
			pol.name = p.ruleName(n, es, pol.name, seen)
		}
		for _, e := range es {
			p.policyField(&pol, e)
		}
		for _, key := range []string{"when", "min_confidence"} {
			if !has(es, key) {
				p.errorf(n, "%s: %s is required", pol.name, key)
			}
		}
		p.r.autoClose = append(p.r.autoClose, pol)
	}
}

func (p *parser) policyField(pol *policy, e entry) {
	switch e.key.Value {
	case "when":
		pol.when = p.when(e, pol.name, true)
	case "min_confidence":
		v, ok := p.number(e.val, pol.name+": min_confidence")
		if ok && (v <= 0 || v > 1) {
			p.errorf(e.val, "%s: min_confidence %v is outside (0,1]", pol.name, v)
		}
		pol.minConfidence = v
	}
}

// qaSample reads qa_sample, a share in [0,1].
func (p *parser) qaSample(sec entry) {
	v, ok := p.number(sec.val, "qa_sample")
	if ok && (v < 0 || v > 1) {
		p.errorf(sec.val, "qa_sample: %v is outside [0,1]", v)
	}
	p.r.qaSample = v
}

func index(es []entry, key string) int {
	for i, e := range es {
		if e.key.Value == key {
			return i
		}
	}
	return -1
}

func has(es []entry, key string) bool { return index(es, key) >= 0 }
