package localmodel

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
)

// corpusFS holds the project's own labelled examples: original sentences
// written for this project (none is taken from a dataset) covering what the
// public data lacks: product feedback, engagement, noise chatter, the rarer
// risks and languages other than English.
//
//go:embed corpus/*.jsonl
var corpusFS embed.FS

// corpusExample is one line of corpus/*.jsonl. Labels holds only the fields
// its author labelled, with the taxonomy's field names and values
// (sarcasm as a JSON boolean).
type corpusExample struct {
	Text    string         `json:"text"`
	Channel string         `json:"channel,omitempty"`
	Labels  map[string]any `json:"labels"`
}

// corpusFields maps a labelled field to its source in the mapping table.
var corpusFields = map[string]string{
	"intent":    srcOwnIntent,
	"risk":      srcOwnRisk,
	"topic":     srcOwnTopic,
	"sentiment": srcOwnSentiment,
	"sarcasm":   srcOwnSarcasm,
}

// loadCorpus reads the embedded corpus, one record per labelled field of
// each example; 20% of the examples (by a seeded hash of the text) are held
// out for the report.
func loadCorpus(seed int64) ([]record, error) {
	exs, err := readCorpus(corpusFS)
	if err != nil {
		return nil, err
	}
	var out []record
	for _, ex := range exs {
		eval := heldOut(ex.Text, seed)
		for _, field := range slices.Sorted(maps.Keys(ex.Labels)) {
			src, ok := corpusFields[field]
			if !ok {
				continue
			}
			out = append(out, record{source: src, text: ex.Text, label: fmt.Sprint(ex.Labels[field]), eval: eval})
		}
	}
	return out, nil
}

// readCorpus parses every corpus/*.jsonl file of fsys, in name order.
func readCorpus(fsys fs.FS) ([]corpusExample, error) {
	names, err := fs.Glob(fsys, "corpus/*.jsonl")
	if err != nil {
		return nil, fmt.Errorf("listing corpus: %w", err)
	}
	var out []corpusExample
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", name, err)
		}
		exs, err := parseCorpus(data)
		if err != nil {
			return nil, fmt.Errorf("parsing %s: %w", path.Base(name), err)
		}
		out = append(out, exs...)
	}
	return out, nil
}

func parseCorpus(data []byte) ([]corpusExample, error) {
	var out []corpusExample
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var ex corpusExample
		if err := json.Unmarshal(sc.Bytes(), &ex); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if ex.Text == "" || len(ex.Labels) == 0 {
			return nil, fmt.Errorf("line %d: text and labels are required", line)
		}
		out = append(out, ex)
	}
	return out, sc.Err()
}
