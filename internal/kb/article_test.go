package kb_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/kb"
)

func TestReadPath(t *testing.T) {
	t.Parallel()
	arts, err := kb.ReadPath("testdata/kb")
	require.NoError(t, err)
	require.Len(t, arts, 3, "the .rst file is ignored")
	byID := map[string]kb.Article{}
	for _, a := range arts {
		byID[a.ID] = a
	}

	md := byID["sync"]
	require.Equal(t, "Fixing sync", md.Title)
	require.Equal(t, "https://help.example.com/sync", md.URL)
	require.Len(t, md.Sections, 2)
	require.Equal(t, "Stuck on preparing", md.Sections[0].Heading)
	require.Len(t, md.Sections[0].Paragraphs, 2)

	html := byID["billing"]
	require.Equal(t, "Refund policy", html.Title)
	all := ""
	for _, c := range html.Chunks() {
		all += c.Heading + " " + c.Text + "\n"
	}
	require.Contains(t, all, "Duplicate charges are refunded")
	require.Contains(t, all, "Refund policy › Annual plans")
	require.NotContains(t, all, "do not index me")
	require.NotContains(t, all, "Copyright")

	require.Equal(t, "Exporting your library", byID["notes"].Title)
}

func TestReadJSONL(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	arts, err := kb.ReadPath(write("ok.jsonl", `{"id":"a","title":"Plans","body":"## Free\n\nOne device.\n\n## Pro\n\nFive devices.","url":"https://x/a","metadata":{"product":"lumen"}}
{"id":"faq-1","question":"How do I delete my account?","answers":["Go to Settings.","Or email us."]}
`))
	require.NoError(t, err)
	require.Len(t, arts, 2)
	require.Equal(t, "Plans", arts[0].Title)
	require.Equal(t, "lumen", arts[0].Metadata["product"])
	require.Len(t, arts[0].Sections, 2)
	require.Equal(t, "How do I delete my account?", arts[1].Title)
	require.Equal(t, []string{"Go to Settings.", "Or email us."}, arts[1].Sections[0].Paragraphs)

	for name, body := range map[string]string{
		"noid.jsonl":   `{"title":"x","body":"y"}`,
		"repeat.jsonl": `{"id":"a","body":"x"}` + "\n" + `{"id":"a","body":"y"}`,
		"empty.jsonl":  `{"id":"a","title":"only a title"}`,
		"bad.jsonl":    `{"id":`,
	} {
		_, err := kb.ReadPath(write(name, body))
		require.Error(t, err, name)
		require.Contains(t, err.Error(), "line ", name)
	}
}

func TestSplit(t *testing.T) {
	t.Parallel()
	para := func(n int, word string) string { return strings.TrimSpace(strings.Repeat(word+" ", n)) }
	sections := []kb.Section{
		{Heading: "Short", Paragraphs: []string{"one", "two"}},
		{Heading: "Long", Paragraphs: []string{para(120, "alpha"), para(120, "beta"), para(120, "gamma"), para(500, "delta.")}},
	}
	chunks := kb.Split("Title", sections)
	require.Equal(t, "Title › Short", chunks[0].Heading)
	require.Equal(t, "one\n\ntwo", chunks[0].Text, "small paragraphs of a section share a chunk")
	for i, c := range chunks {
		require.Equal(t, i, c.Ord)
		require.LessOrEqual(t, len(c.Text), kb.MaxChunkBytes+kb.OverlapBytes+8, "chunk %d", i)
		if i > 0 {
			require.NotEqual(t, chunks[0].Heading == c.Heading, true, "a chunk never spans two sections")
		}
	}
	require.Greater(t, len(chunks), 3)
	require.True(t, strings.HasPrefix(chunks[2].Text, "… "), "a chunk repeats the end of the previous one")
}
