package routing

import (
	_ "embed"
	"fmt"
	"os"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/triage-oss/triage/internal/taxonomy"
)

//go:embed default.yaml
var defaultYAML []byte

// DefaultName is the Source of the built-in rules.
const DefaultName = "default.yaml"

// DefaultYAML returns the built-in rules file, a starting point for an
// operator's own.
func DefaultYAML() []byte { return slices.Clone(defaultYAML) }

// Loader parses rules files. Its zero value is ready to use: no topic or
// channel validation, secrets from the process environment.
type Loader struct {
	// Topics are the deployment's topics; a when naming another topic is an
	// error. Nil skips topic validation; "other" is always accepted.
	Topics []string
	// Channels are the channel names a when may name (items.Channels). Nil
	// skips channel validation.
	Channels []string
	// LookupEnv resolves a team's secret_env. Default: os.LookupEnv.
	LookupEnv func(key string) (string, bool)
}

// WithDefaults returns l with its unset fields defaulted.
func (l Loader) WithDefaults() Loader {
	if l.LookupEnv == nil {
		l.LookupEnv = os.LookupEnv
	}
	if l.Topics != nil && !slices.Contains(l.Topics, taxonomy.TopicOther) {
		l.Topics = append(slices.Clip(l.Topics), taxonomy.TopicOther)
	}
	return l
}

// Parse parses and validates the rules file data; name is used in error
// messages. It returns every problem found, each a *LineError matching
// ErrInvalid, joined with errors.Join in line order.
func (l Loader) Parse(data []byte, name string) (*Rules, error) {
	p := &parser{Loader: l.WithDefaults(), file: name, r: &Rules{source: name, qaSample: DefaultQASample}}
	if root := p.decode(data); root != nil {
		p.document(root)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return p.r, nil
}

// Load reads and parses the rules file at path; an empty path means the
// built-in rules ([Loader.Default]).
func (l Loader) Load(path string) (*Rules, error) {
	if path == "" {
		return l.Default()
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("routing rules: %w", err)
	}
	return l.Parse(data, path)
}

// Default parses the built-in rules (default.yaml). They are written for
// taxonomy.DefaultTopics and are not checked against l.Topics: with other
// topics, a rule naming a topic the deployment lacks never matches.
func (l Loader) Default() (*Rules, error) {
	l.Topics = nil
	r, err := l.Parse(defaultYAML, DefaultName)
	if err != nil {
		return nil, fmt.Errorf("built-in routing rules: %w", err)
	}
	return r, nil
}

// Parse parses the rules file data with the deployment's topics (nil skips
// topic validation); see [Loader.Parse].
func Parse(data []byte, name string, topics []string) (*Rules, error) {
	return Loader{Topics: topics}.Parse(data, name)
}

// Load reads the rules file at path, or the built-in rules when path is
// empty; see [Loader.Load].
func Load(path string, topics []string) (*Rules, error) {
	return Loader{Topics: topics}.Load(path)
}

// Default returns the built-in rules; see [Loader.Default].
func Default() (*Rules, error) { return Loader{}.Default() }

// document reads the sections of a rules file, teams and priorities first
// since the others refer to them.
func (p *parser) document(root *yaml.Node) {
	secs := p.sections(root)
	for _, name := range []string{"teams", "priorities", "default"} {
		if _, ok := secs[name]; !ok && root.Kind == yaml.MappingNode {
			p.errorf(root, "%s: required section missing", name)
		}
	}
	steps := []struct {
		name string
		read func(entry)
	}{
		{"teams", p.teams}, {"priorities", p.priorities}, {"default", p.fallback}, {"rules", p.rules},
		{"escalation", p.escalation}, {"auto_close", p.autoClose}, {"qa_sample", p.qaSample},
	}
	for _, s := range steps {
		if sec, ok := secs[s.name]; ok {
			s.read(sec)
		}
	}
}
