package routing

import (
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/triage-oss/triage/internal/taxonomy"
)

// condition is a parsed when: every condition it names must hold, and a
// list holds when the item has any of its labels.
type condition struct {
	labels      map[taxonomy.Field][]string // intent, topic, urgency, sentiment, risk, severity, language
	channels    []string
	minSeverity taxonomy.Severity // "" when unset
	minUrgency  taxonomy.Urgency  // "" when unset
	sarcasm     *bool
	keywords    [][]string // each a phrase, as words
	fields      []taxonomy.Field
}

var whenKeys = []string{
	"intent", "topic", "urgency", "min_urgency", "sentiment", "sarcasm", "risk",
	"severity", "min_severity", "language", "channel", "keywords",
}

// when reads the when of a rule or, with closing set, of an auto_close
// policy, which may not name a risk or sarcasm it would never close.
func (p *parser) when(e entry, what string, closing bool) condition {
	what += ": when"
	c := condition{labels: map[taxonomy.Field][]string{}}
	es := p.mapping(e.val, what, whenKeys)
	if len(es) == 0 && (isNull(e.val) || e.val.Kind == yaml.MappingNode) {
		p.errorf(e.key, "%s: name at least one condition", what)
	}
	for _, f := range es {
		p.condition(&c, f, what, closing)
	}
	c.fields = c.named()
	return c
}

func (p *parser) condition(c *condition, e entry, what string, closing bool) {
	switch key := e.key.Value; key {
	case "min_severity":
		c.minSeverity = taxonomy.Severity(p.oneOf(e.val, what, "severity", labels(taxonomy.Severities)))
	case "min_urgency":
		c.minUrgency = taxonomy.Urgency(p.oneOf(e.val, what, "urgency", labels(taxonomy.Urgencies)))
	case "sarcasm":
		b, ok := p.boolean(e.val, what+": sarcasm")
		if ok && b && closing {
			p.errorf(e.val, "%s: auto_close never closes a sarcastic item", what)
		}
		c.sarcasm = &b
	case "keywords":
		c.keywords = p.keywords(e.val, what)
	case "channel":
		c.channels = p.labels(e.val, what, key, p.Channels)
	case "language":
		c.labels[taxonomy.FieldLanguage] = p.languages(e.val, what)
	default:
		c.labels[taxonomy.Field(key)] = p.labels(e.val, what, key, p.allowed(key))
		if key == "risk" && closing && slices.ContainsFunc(c.labels[taxonomy.FieldRisk], notNone) {
			p.errorf(e.val, "%s: auto_close never closes an item with a risk; only risk none can match", what)
		}
	}
}

func notNone(risk string) bool { return risk != string(taxonomy.RiskNone) }

// allowed returns the labels of key, or nil when any label is accepted.
func (p *parser) allowed(key string) []string {
	switch taxonomy.Field(key) {
	case taxonomy.FieldIntent:
		return labels(taxonomy.Intents)
	case taxonomy.FieldRisk:
		return labels(taxonomy.Risks)
	case taxonomy.FieldSeverity:
		return labels(taxonomy.Severities)
	case taxonomy.FieldUrgency:
		return labels(taxonomy.Urgencies)
	case taxonomy.FieldSentiment:
		return labels(taxonomy.Sentiments)
	}
	return p.Topics
}

// labels reads a list of labels (or one), each in allowed unless allowed
// is nil.
func (p *parser) labels(n *yaml.Node, what, noun string, allowed []string) []string {
	var out []string
	for _, s := range p.scalars(n, what+": "+noun) {
		if allowed != nil && !slices.Contains(allowed, s.Value) {
			p.errorf(s, "%s: unknown %s %q (%s: %s)", what, noun, s.Value, plural(noun), join(allowed))
			continue
		}
		out = append(out, s.Value)
	}
	return out
}

// languages reads a list of ISO 639-1 codes (or one).
func (p *parser) languages(n *yaml.Node, what string) []string {
	var out []string
	for _, s := range p.scalars(n, what+": language") {
		if !taxonomy.ValidLanguage(s.Value) {
			p.errorf(s, "%s: language %q is not an ISO 639-1 code (or %q)", what, s.Value, taxonomy.LanguageUndetermined)
			continue
		}
		out = append(out, s.Value)
	}
	return out
}

// keywords reads a list of words or phrases (or one).
func (p *parser) keywords(n *yaml.Node, what string) [][]string {
	var out [][]string
	for _, s := range p.scalars(n, what+": keywords") {
		ws := words(s.Value)
		if len(ws) == 0 {
			p.errorf(s, "%s: keyword %q has no letters or digits", what, s.Value)
			continue
		}
		out = append(out, ws)
	}
	return out
}

// named returns the classification fields c tests, in taxonomy order: the
// fields whose confidence an auto_close policy checks.
func (c *condition) named() []taxonomy.Field {
	var out []taxonomy.Field
	for _, f := range taxonomy.Fields {
		_, label := c.labels[f]
		if label || (f == taxonomy.FieldSeverity && c.minSeverity != "") ||
			(f == taxonomy.FieldUrgency && c.minUrgency != "") || (f == taxonomy.FieldSarcasm && c.sarcasm != nil) {
			out = append(out, f)
		}
	}
	return out
}

func labels[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
