package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/triage-oss/triage/internal/taxonomy"
)

// Item is one labelled item of an eval set.
type Item struct {
	ID       string                     `json:"id"`
	Text     string                     `json:"text"`
	Channel  string                     `json:"channel"`
	Expected map[string]json.RawMessage `json:"expected"`

	// Labels and OneVsRest are Expected, parsed by Load.
	Labels    map[taxonomy.Field]string `json:"-"`
	OneVsRest map[string]bool           `json:"-"` // "risk=abuse" → carries it or not
}

// Load reads an eval set, checking every expectation against tax. Errors
// name the file and line.
func Load(path string, tax *taxonomy.Taxonomy) ([]Item, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	items, err := Read(f, tax)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return items, nil
}

// Read reads an eval set from r; see Load.
func Read(r io.Reader, tax *taxonomy.Taxonomy) ([]Item, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	var items []Item
	seen := map[string]bool{}
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var it Item
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if err := it.parse(tax); err != nil {
			return nil, fmt.Errorf("line %d (%s): %w", line, it.ID, err)
		}
		if seen[it.ID] {
			return nil, fmt.Errorf("line %d: id %q repeated", line, it.ID)
		}
		seen[it.ID] = true
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("no items")
	}
	return items, nil
}

func (it *Item) parse(tax *taxonomy.Taxonomy) error {
	if it.ID == "" || strings.TrimSpace(it.Text) == "" {
		return fmt.Errorf("id and text are required")
	}
	it.Labels, it.OneVsRest = map[taxonomy.Field]string{}, map[string]bool{}
	for key, raw := range it.Expected {
		field, label, ovr := strings.Cut(key, "=")
		f := taxonomy.Field(field)
		if !slices.Contains(taxonomy.Fields, f) {
			return fmt.Errorf("expected %q: unknown field", key)
		}
		if ovr {
			var b bool
			if err := json.Unmarshal(raw, &b); err != nil {
				return fmt.Errorf("expected %q: want a boolean", key)
			}
			for _, l := range strings.Split(label, "|") {
				if err := checkLabel(tax, f, l); err != nil {
					return fmt.Errorf("expected %q: %w", key, err)
				}
			}
			it.OneVsRest[key] = b
			continue
		}
		label, err := labelOf(f, raw)
		if err != nil {
			return fmt.Errorf("expected %q: %w", key, err)
		}
		if err := checkLabel(tax, f, label); err != nil {
			return fmt.Errorf("expected %q: %w", key, err)
		}
		it.Labels[f] = label
	}
	return nil
}

// labelOf reads an expected label: sarcasm as a boolean, the rest strings.
func labelOf(f taxonomy.Field, raw json.RawMessage) (string, error) {
	if f == taxonomy.FieldSarcasm {
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return "", fmt.Errorf("want a boolean")
		}
		return fmt.Sprint(b), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("want a string")
	}
	return s, nil
}

func checkLabel(tax *taxonomy.Taxonomy, f taxonomy.Field, label string) error {
	if f == taxonomy.FieldLanguage {
		if !taxonomy.ValidLanguage(label) {
			return fmt.Errorf("%q is not an ISO 639-1 code", label)
		}
		return nil
	}
	if !slices.Contains(tax.Labels(f), label) {
		return fmt.Errorf("%q is not one of the %s labels", label, f)
	}
	return nil
}
