package postgres

import (
	"fmt"
	"strings"
)

// Queries holds named SQL statements parsed from a .sql file.
type Queries map[string]string

// ParseQueries splits src into statements, each introduced by a line
// "-- name: Name". Text before the first name line is ignored, so files can
// start with a comment. It panics on a repeated or empty name or an empty
// statement: query files are embedded, so a mistake is a programming error
// caught by the first test that loads the package.
func ParseQueries(src string) Queries {
	q := Queries{}
	var name string
	var body strings.Builder
	flush := func() {
		if name == "" {
			return
		}
		s := strings.TrimSpace(body.String())
		if s == "" {
			panic(fmt.Sprintf("postgres: query %q is empty", name))
		}
		if _, dup := q[name]; dup {
			panic(fmt.Sprintf("postgres: query %q defined twice", name))
		}
		q[name] = s
	}
	for line := range strings.Lines(src) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "-- name:"); ok {
			flush()
			name = strings.TrimSpace(rest)
			if name == "" {
				panic("postgres: query with an empty name")
			}
			body.Reset()
			continue
		}
		body.WriteString(line)
	}
	flush()
	return q
}

// Get returns the statement called name; it panics when there is none.
func (q Queries) Get(name string) string {
	s, ok := q[name]
	if !ok {
		panic(fmt.Sprintf("postgres: no query named %q", name))
	}
	return s
}
