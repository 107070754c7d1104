package evals

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/drafts"
	"github.com/triage-oss/triage/internal/taxonomy"
)

// handWritten lists the hand-written eval sets this test guards. Other JSONL
// files in this directory (recorded answers, baselines) have other formats.
var handWritten = []string{"core", "multilingual", "injection"}

// channels are the channel names an eval item may carry.
var channels = []string{"x", "discord", "reddit", "forum", "email", "telegram", "whatsapp", "instagram", "tiktok", "slack"}

// item is one line of an eval set.
type item struct {
	ID       string                     `json:"id"`
	Text     string                     `json:"text"`
	Channel  string                     `json:"channel"`
	Expected map[string]json.RawMessage `json:"expected"`
}

func readSet(t *testing.T, name string) []item {
	t.Helper()
	data, err := os.ReadFile(name + ".jsonl")
	require.NoError(t, err)
	var items []item
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		var it item
		require.NoError(t, dec.Decode(&it), "%s.jsonl line %d", name, n)
		items = append(items, it)
	}
	require.NoError(t, sc.Err())
	return items
}

// checkLabel reports a problem with value v for field f, or "" when v is a
// label of f.
func checkLabel(tax *taxonomy.Taxonomy, f taxonomy.Field, v json.RawMessage) string {
	if f == taxonomy.FieldSarcasm {
		var b bool
		if err := json.Unmarshal(v, &b); err != nil {
			return "sarcasm must be a JSON boolean"
		}
		return ""
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return fmt.Sprintf("%s must be a JSON string", f)
	}
	if f == taxonomy.FieldLanguage {
		if !taxonomy.ValidLanguage(s) {
			return fmt.Sprintf("language %q is not ISO 639-1 or und", s)
		}
		return ""
	}
	if !slices.Contains(tax.Labels(f), s) {
		return fmt.Sprintf("%s %q is not a label", f, s)
	}
	return ""
}

func TestHandWrittenSets(t *testing.T) {
	t.Parallel()
	tax := taxonomy.Default()
	for _, name := range handWritten {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			items := readSet(t, name)
			require.NotEmpty(t, items)
			idRE := regexp.MustCompile(`^` + regexp.QuoteMeta(name) + `-\d{4}$`)
			seen := map[string]bool{}
			for _, it := range items {
				require.Regexp(t, idRE, it.ID)
				require.False(t, seen[it.ID], "duplicate id %s", it.ID)
				seen[it.ID] = true
				require.NotEmpty(t, strings.TrimSpace(it.Text), it.ID)
				require.Contains(t, channels, it.Channel, it.ID)
				require.NotEmpty(t, it.Expected, it.ID)
				for key, v := range it.Expected {
					if field, label, ok := strings.Cut(key, "="); ok {
						// One-vs-rest expectation: "field=label": true|false.
						var b bool
						require.NoError(t, json.Unmarshal(v, &b), "%s: %s must be a boolean", it.ID, key)
						f := taxonomy.Field(field)
						require.Contains(t, taxonomy.Fields, f, "%s: unknown field in %s", it.ID, key)
						lv, _ := json.Marshal(label)
						if f == taxonomy.FieldSarcasm {
							lv = []byte(label)
						}
						require.Empty(t, checkLabel(tax, f, lv), "%s: %s", it.ID, key)
						continue
					}
					f := taxonomy.Field(key)
					require.Contains(t, taxonomy.Fields, f, "%s: unknown field %s", it.ID, key)
					require.Empty(t, checkLabel(tax, f, v), it.ID)
				}
				if string(it.Expected["risk"]) == `"none"` {
					if sev, ok := it.Expected["severity"]; ok {
						require.Equal(t, `"low"`, string(sev), "%s: severity must be low when risk is none", it.ID)
					}
				}
			}
		})
	}
}

// TestCoreCoverage guards the promise of core.jsonl: every label of every
// closed field appears at least five times.
func TestCoreCoverage(t *testing.T) {
	t.Parallel()
	tax := taxonomy.Default()
	counts := map[string]int{}
	for _, it := range readSet(t, "core") {
		for key, v := range it.Expected {
			var s string
			if json.Unmarshal(v, &s) == nil {
				counts[key+"="+s]++
			} else {
				counts[key+"="+string(v)]++
			}
		}
	}
	for _, f := range taxonomy.Fields {
		if f == taxonomy.FieldLanguage {
			continue
		}
		for _, label := range tax.Labels(f) {
			require.GreaterOrEqual(t, counts[string(f)+"="+label], 5, "core.jsonl: %s=%s", f, label)
		}
	}
}

// drafts.jsonl: every reference article exists in the sample knowledge base.
func TestDraftsSet(t *testing.T) {
	t.Parallel()
	set, err := drafts.LoadEvalItems("drafts.jsonl")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(set), 50)
	articles := map[string]bool{}
	for _, it := range set {
		for _, a := range it.Articles {
			_, err := os.Stat(filepath.Join("..", "internal", "demo", "data", "kb", a+".md"))
			require.NoError(t, err, "%s names article %q", it.ID, a)
			articles[a] = true
		}
	}
	require.GreaterOrEqual(t, len(articles), 20)
}
