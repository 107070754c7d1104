// Package prompt loads versioned prompt files and renders them into chat
// messages.
//
// A prompt file, prompts/<task>/<version>.md, starts with YAML front matter
// (task, version, description, schema name and model parameters) followed by
// a Go text/template body that defines a "system" and a "user" template:
//
//	---
//	task: classify
//	version: v1
//	schema: triage_classification
//	temperature: 0
//	max_tokens: 600
//	---
//	{{define "system"}}You label messages...{{end}}
//	{{define "user"}}<item>{{json .Item}}</item>{{end}}
//
// The template function json encodes its argument as JSON with <, > and &
// escaped, so untrusted text placed between tags can never close them. The
// SHA-256 of the file is the prompt's Hash, recorded with every model call,
// classification and eval result.
package prompt

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"gopkg.in/yaml.v3"

	"github.com/triage-oss/triage/internal/llm"
)

// Prompt is one version of the prompt of one task.
type Prompt struct {
	Meta
	// Hash is the hex SHA-256 of the prompt file.
	Hash string

	tmpl *template.Template
}

// Meta is the front matter of a prompt file.
type Meta struct {
	Task        string  `yaml:"task"`
	Version     string  `yaml:"version"`
	Description string  `yaml:"description"`
	Schema      string  `yaml:"schema"`
	Temperature float64 `yaml:"temperature"`
	MaxTokens   int     `yaml:"max_tokens"`
}

// ID returns "task/version", the name used in configuration and reports.
func (p *Prompt) ID() string { return p.Task + "/" + p.Version }

var refRE = regexp.MustCompile(`^[a-z][a-z0-9_]*/v[0-9]+[a-z0-9_.-]*$`)

// Load reads and parses the prompt ref ("classify/v1") from fsys.
func Load(fsys fs.FS, ref string) (*Prompt, error) {
	if !refRE.MatchString(ref) {
		return nil, fmt.Errorf("prompt %q: want task/version, such as classify/v1", ref)
	}
	src, err := fs.ReadFile(fsys, ref+".md")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("prompt %q: no file %s.md (see `triage prompts list`)", ref, ref)
	}
	if err != nil {
		return nil, fmt.Errorf("prompt %q: %w", ref, err)
	}
	p, err := Parse(src)
	if err != nil {
		return nil, fmt.Errorf("prompt %q: %w", ref, err)
	}
	if p.ID() != ref {
		return nil, fmt.Errorf("prompt %q: front matter says %s", ref, p.ID())
	}
	return p, nil
}

// Parse parses a prompt file.
func Parse(src []byte) (*Prompt, error) {
	front, body, err := splitFrontMatter(src)
	if err != nil {
		return nil, err
	}
	var m Meta
	dec := yaml.NewDecoder(bytes.NewReader(front))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("front matter: %w", err)
	}
	if m.Task == "" || m.Version == "" {
		return nil, errors.New("front matter: task and version are required")
	}
	if m.Temperature < 0 || m.Temperature > 2 || m.MaxTokens < 0 {
		return nil, errors.New("front matter: temperature must be in [0,2] and max_tokens >= 0")
	}
	tmpl, err := template.New(m.Task).Option("missingkey=error").Funcs(funcs).Parse(string(body))
	if err != nil {
		return nil, fmt.Errorf("template: %w", err)
	}
	for _, name := range []string{"system", "user"} {
		if tmpl.Lookup(name) == nil {
			return nil, fmt.Errorf("template: no {{define %q}} block", name)
		}
	}
	sum := sha256.Sum256(src)
	return &Prompt{Meta: m, Hash: hex.EncodeToString(sum[:]), tmpl: tmpl}, nil
}

func splitFrontMatter(src []byte) (front, body []byte, err error) {
	const delim = "---\n"
	s := bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	if !bytes.HasPrefix(s, []byte(delim)) {
		return nil, nil, errors.New("missing front matter: the file must start with ---")
	}
	front, body, ok := bytes.Cut(s[len(delim):], []byte("\n"+delim))
	if !ok {
		return nil, nil, errors.New("front matter is not closed with ---")
	}
	return front, body, nil
}

var funcs = template.FuncMap{
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v) // escapes <, > and &: data cannot close a tag
		return string(b), err
	},
	"join": strings.Join,
}

// Render executes the system and user templates with data.
func (p *Prompt) Render(data any) ([]llm.Message, error) {
	var sys, user strings.Builder
	if err := p.tmpl.ExecuteTemplate(&sys, "system", data); err != nil {
		return nil, fmt.Errorf("render %s system: %w", p.ID(), err)
	}
	if err := p.tmpl.ExecuteTemplate(&user, "user", data); err != nil {
		return nil, fmt.Errorf("render %s user: %w", p.ID(), err)
	}
	return []llm.Message{
		{Role: llm.RoleSystem, Content: strings.TrimSpace(sys.String())},
		{Role: llm.RoleUser, Content: strings.TrimSpace(user.String())},
	}, nil
}

// List returns the refs of every prompt in fsys ("classify/v1", ...), sorted.
func List(fsys fs.FS) ([]string, error) {
	files, err := fs.Glob(fsys, "*/*.md")
	if err != nil {
		return nil, err
	}
	refs := make([]string, 0, len(files))
	for _, f := range files {
		refs = append(refs, strings.TrimSuffix(f, path.Ext(f)))
	}
	sort.Strings(refs)
	return refs, nil
}
