package routing

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"

	"gopkg.in/yaml.v3"
)

// parser turns the YAML tree of a rules file into Rules, collecting every
// problem with its line instead of stopping at the first.
type parser struct {
	Loader
	file string
	errs []error
	r    *Rules
}

// entry is one key: value pair of a YAML mapping.
type entry struct{ key, val *yaml.Node }

var topKeys = []string{"teams", "priorities", "rules", "default", "escalation", "auto_close", "qa_sample"}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, &LineError{File: p.file, Line: n.Line, Msg: fmt.Sprintf(format, args...)})
}

// err returns every problem found, in line order, joined; nil when none.
func (p *parser) err() error {
	slices.SortStableFunc(p.errs, func(a, b error) int {
		return cmp.Compare(a.(*LineError).Line, b.(*LineError).Line)
	})
	return errors.Join(p.errs...)
}

// decode reads the single YAML document of data. A syntax error is
// reported with the line the YAML parser names.
func (p *parser) decode(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		p.syntax(err)
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		p.errorf(&extra, "a rules file holds one YAML document; remove the \"---\" and what follows")
	} else if !errors.Is(err, io.EOF) {
		p.syntax(err)
	}
	return deref(&doc)
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntax records a YAML syntax error, moving the line yaml.v3 puts in its
// message to the LineError.
func (p *parser) syntax(err error) {
	if errors.Is(err, io.EOF) {
		p.errs = append(p.errs, &LineError{File: p.file, Msg: "empty rules file"})
		return
	}
	e := &LineError{File: p.file, Msg: err.Error()}
	if m := yamlLineRE.FindStringSubmatch(e.Msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Msg = "YAML: " + m[2]
	}
	p.errs = append(p.errs, e)
}

// sections returns the top-level sections by name.
func (p *parser) sections(root *yaml.Node) map[string]entry {
	out := map[string]entry{}
	for _, e := range p.mapping(root, "rules file", topKeys) {
		out[e.key.Value] = e
	}
	return out
}

// mapping returns the pairs of mapping n, reporting a node that is not a
// mapping, a key not in known (when known is non-nil) and a repeated key.
// A null node is an empty mapping.
func (p *parser) mapping(n *yaml.Node, what string, known []string) []entry {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s: want a mapping (key: value), got %s", what, kind(n))
		return nil
	}
	var out []entry
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		if known != nil && !slices.Contains(known, k.Value) {
			p.errorf(k, "%s: unknown key %q (keys: %s)", what, k.Value, join(known))
			continue
		}
		if j := slices.IndexFunc(out, func(e entry) bool { return e.key.Value == k.Value }); j >= 0 {
			p.errorf(k, "%s: %q given twice (first at line %d)", what, k.Value, out[j].key.Line)
			continue
		}
		out = append(out, entry{k, v})
	}
	return out
}

// sequence returns the items of list n; a null node is an empty list.
func (p *parser) sequence(n *yaml.Node, what string) []*yaml.Node {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s: want a list, got %s", what, kind(n))
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = deref(c)
	}
	return out
}

// scalars returns the items of a list of scalars; a single scalar is a
// list of one. It reports an empty list.
func (p *parser) scalars(n *yaml.Node, what string) []*yaml.Node {
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = p.sequence(n, what)
	}
	if len(items) == 0 {
		p.errorf(n, "%s: empty list", what)
	}
	return slices.DeleteFunc(items, func(c *yaml.Node) bool {
		_, ok := p.str(c, what)
		return !ok
	})
}

// str returns the value of a non-null scalar.
func (p *parser) str(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || isNull(n) || n.Value == "" {
		p.errorf(n, "%s: want a non-empty string, got %s", what, kind(n))
		return "", false
	}
	return n.Value, true
}

// number returns the value of a numeric scalar.
func (p *parser) number(n *yaml.Node, what string) (float64, bool) {
	if n.Kind == yaml.ScalarNode && (n.Tag == "!!float" || n.Tag == "!!int") {
		if v, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return v, true
		}
	}
	p.errorf(n, "%s: want a number, got %s", what, kind(n))
	return 0, false
}

// boolean returns the value of a true/false scalar.
func (p *parser) boolean(n *yaml.Node, what string) (bool, bool) {
	var b bool
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" || n.Decode(&b) != nil {
		p.errorf(n, "%s: want true or false, got %s", what, kind(n))
		return false, false
	}
	return b, true
}

// deref follows an alias (*anchor) to the node it names.
func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		return deref(n.Content[0])
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// kind describes n for an error message.
func kind(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case isNull(n) || n.Kind == yaml.DocumentNode:
		return "nothing"
	}
	return strconv.Quote(n.Value)
}
