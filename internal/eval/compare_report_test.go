package eval_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/eval"
)

// hostile is text an attacker could post in a community.
const hostile = "<script>alert(1)</script> | col \x1b[31mred\x1b[0m \u202Egnp.exe\n" + `"><img src=x onerror=alert(2)>`

func TestComparisonMarkdown(t *testing.T) {
	t.Parallel()

	type testBundle struct {
		out string
	}
	setup := func(t *testing.T, a, b eval.Result) *testBundle {
		t.Helper()
		c, err := eval.Compare(a, b, eval.CompareOptions{Seed: 3})
		require.NoError(t, err)
		var out strings.Builder
		require.NoError(t, c.Markdown(&out))
		return &testBundle{out: out.String()}
	}

	t.Run("significant change is marked", func(t *testing.T) {
		t.Parallel()
		a, b := allFixed(40)
		bundle := setup(t, a, b)
		require.Contains(t, bundle.out, "| intent |")
		require.Contains(t, bundle.out, "+1.000*", "accuracy and macro-F1 deltas")
		require.Contains(t, bundle.out, "0/40")
		require.Contains(t, bundle.out, "<0.0001")
		require.Contains(t, bundle.out, "40 items changed: 0 with regressions, 40 with fixes only")
		require.NotContains(t, bundle.out, "more flipped items")
	})
	t.Run("small change is not", func(t *testing.T) {
		t.Parallel()
		a, b := sixItems()
		bundle := setup(t, a, b)
		require.NotContains(t, bundle.out, "*|")
		require.NotContains(t, bundle.out, "* |")
		require.Contains(t, bundle.out, "+0.167")
		require.Contains(t, bundle.out, "intent=noise")
		require.Contains(t, bundle.out, "### 1. Item 3 (1 regression)")
		require.Contains(t, bundle.out, "| intent | noise    | noise (0.80) | risk_signal (0.70) | regression |")
	})
	t.Run("flipped items capped", func(t *testing.T) {
		t.Parallel()
		a, b := allFixed(eval.MarkdownFlips + 10)
		bundle := setup(t, a, b)
		require.Contains(t, bundle.out, "### 50. Item item-49 (1 fix)")
		require.NotContains(t, bundle.out, "### 51.")
		require.Contains(t, bundle.out, "… and 10 more flipped items")
	})
	t.Run("item text escaped", func(t *testing.T) {
		t.Parallel()
		a, b := sixItems()
		a.Items[2].Text = hostile
		bundle := setup(t, a, b)
		require.Contains(t, bundle.out, `> \<script\>alert(1)\</script\> \| col \[31mred \[0m gnp.exe "\>\<img src=x onerror=alert(2)\>`)
		require.NotContains(t, bundle.out, "\x1b")
		require.NotContains(t, bundle.out, "\u202E")
	})
}

func TestComparisonHTML(t *testing.T) {
	t.Parallel()
	a, b := sixItems()
	a.Items[2].Text = hostile
	a.Items[2].ID = `3<b>`
	b.Items[2].ID = `3<b>`
	a.Set = "<i>core</i>"
	c, err := eval.Compare(a, b, eval.CompareOptions{})
	require.NoError(t, err)
	var out strings.Builder
	require.NoError(t, c.HTML(&out))
	html := out.String()

	require.True(t, strings.HasPrefix(html, "<!DOCTYPE html>"))
	require.Contains(t, html, "&lt;script&gt;alert(1)&lt;/script&gt;")
	require.NotContains(t, html, "<script")
	require.NotContains(t, html, "<img")
	require.NotContains(t, html, "<b>")
	require.NotContains(t, html, "<i>core")
	require.NotContains(t, html, "\u202E")
	require.NotContains(t, html, "\x1b")
	require.NotContains(t, html, "http", "no external assets")
	require.Contains(t, html, "<style>")
	require.Contains(t, html, "3&lt;b&gt;")
	require.Contains(t, html, `<span class="tag regression">1 regression</span>`)
	require.Contains(t, html, "intent: ECE A")
	require.Contains(t, html, "intent=support_issue")
}

func TestComparisonJSON(t *testing.T) {
	t.Parallel()
	a, b := sixItems()
	c, err := eval.Compare(a, b, eval.CompareOptions{Seed: 9})
	require.NoError(t, err)
	data, err := json.Marshal(c)
	require.NoError(t, err)
	for _, key := range []string{`"right_to_wrong"`, `"macro_f1"`, `"ci"`, `"calibration_a"`,
		`"mean_confidence"`, `"wrong_confidence"`, `"predicted_b"`, `"f1_delta"`} {
		require.Contains(t, string(data), key)
	}
	require.NotContains(t, string(data), `"only_a"`, "omitted when empty")
	var back eval.Comparison
	require.NoError(t, json.Unmarshal(data, &back))
	require.Equal(t, c, back)
}

func TestComparisonReportsNotes(t *testing.T) {
	t.Parallel()
	same := runResult("v1", intentOutcome("1", "noise", "noise", 0.9), intentOutcome("2", "noise", "noise", 0.9))
	tests := []struct {
		name     string
		a, b     eval.Result
		markdown []string
		html     []string
	}{
		{"nothing changed", same, same,
			[]string{"0 items changed", "| intent |   2 | 1.000 | 1.000 | +0.000 | [+0.000, +0.000] | 0/0 |    1.0000 |"},
			[]string{"No item changed."}},
		{"items in one run, another set, relabelled", same,
			eval.Result{RunReport: eval.RunReport{Set: "other"}, Items: []eval.Outcome{
				intentOutcome("1", "engagement", "noise", 0.9), intentOutcome("3", "noise", "noise", 0.9)}},
			[]string{"1 items paired; 1 only in A and 1 only in B", "different sets", "1 items expect different labels"},
			[]string{"1 items paired; 1 only in A and 1 only in B", "different sets", "1 items expect different labels"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := eval.Compare(tt.a, tt.b, eval.CompareOptions{})
			require.NoError(t, err)
			var md, html strings.Builder
			require.NoError(t, c.Markdown(&md))
			require.NoError(t, c.HTML(&html))
			for _, want := range tt.markdown {
				require.Contains(t, md.String(), want)
			}
			for _, want := range tt.html {
				require.Contains(t, html.String(), want)
			}
		})
	}
}
