package drafts_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/drafts"
	"github.com/triage-oss/triage/internal/taxonomy"
)

var passages = []drafts.Passage{
	{N: 1, ChunkID: 11, DocumentID: "sync-troubleshooting", Title: "Sync troubleshooting", URL: "https://help.lumen.example/articles/sync",
		Text: "If sync is stuck on Preparing items, sign out and back in. Then clear the sync cache from Settings. Large libraries can take an hour."},
	{N: 2, ChunkID: 12, DocumentID: "refunds", Title: "Refunds", URL: "https://help.lumen.example/articles/refunds", Text: "Refunds are reviewed by billing."},
}

var support = taxonomy.Classification{Intent: taxonomy.IntentSupportIssue, Risk: taxonomy.RiskNone}

func codes(flags []drafts.Flag) []string {
	var out []string
	for _, f := range flags {
		out = append(out, f.Code)
	}
	return out
}

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		body  string
		cited []int
		ps    []drafts.Passage
		want  []string
	}{
		{"clean", "Sign out and back in, then clear the sync cache: https://help.lumen.example/articles/sync", []int{1}, passages, nil},
		{"cites nothing", "Try restarting.", nil, passages, []string{drafts.FlagNoCitation}},
		{"cites what was not retrieved", "See the article.", []int{7}, passages, []string{drafts.FlagUnknownCitation, drafts.FlagNoCitation}},
		{"promises a refund", "Sorry! We'll refund the second charge today.", []int{2}, passages, []string{drafts.FlagForbiddenPromise}},
		{"promises a date", "It will be fixed by Friday.", []int{1}, passages, []string{drafts.FlagForbiddenPromise}},
		{"legal statement", "We are not liable for lost photos.", []int{1}, passages, []string{drafts.FlagForbiddenPromise}},
		{"link not in the KB", "Log in at https://lumen-verify.example/login to fix it.", []int{1}, passages, []string{drafts.FlagUnknownURL}},
		{"nothing retrieved", "A teammate will look into it.", nil, nil, []string{drafts.FlagNoPassages, drafts.FlagNoCitation}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, codes(drafts.Check(tt.body, tt.cited, tt.ps, drafts.DefaultRules, support)))
		})
	}
}

func TestParseRules(t *testing.T) {
	t.Parallel()
	rules, err := drafts.ParseRules(strings.NewReader("# ours\nfree: \\bfree (month|year)\\b\n\n"))
	require.NoError(t, err)
	require.Equal(t, []string{drafts.FlagForbiddenPromise}, codes(drafts.Check("Enjoy a FREE month on us!", []int{1}, passages, rules, support)))
	_, err = drafts.ParseRules(strings.NewReader("no colon here"))
	require.ErrorContains(t, err, "line 1")
	_, err = drafts.ParseRules(strings.NewReader("bad: (unclosed"))
	require.ErrorContains(t, err, "line 1")
}

func TestDeserves(t *testing.T) {
	t.Parallel()
	tests := []struct {
		intent taxonomy.Intent
		risk   taxonomy.Risk
		want   bool
	}{
		{taxonomy.IntentSupportIssue, taxonomy.RiskNone, true},
		{taxonomy.IntentProductFeedback, taxonomy.RiskNone, true},
		{taxonomy.IntentEngagement, taxonomy.RiskNone, true},
		{taxonomy.IntentNoise, taxonomy.RiskNone, false},
		{taxonomy.IntentNoise, taxonomy.RiskSpam, false},
		{taxonomy.IntentSupportIssue, taxonomy.RiskAbuse, false},
		{taxonomy.IntentRiskSignal, taxonomy.RiskThreat, false},
		{taxonomy.IntentSupportIssue, taxonomy.RiskSelfHarm, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.intent)+"/"+string(tt.risk), func(t *testing.T) {
			t.Parallel()
			got, why := drafts.Deserves(taxonomy.Classification{Intent: tt.intent, Risk: tt.risk})
			require.Equal(t, tt.want, got, why)
		})
	}
}

func TestExtractive(t *testing.T) {
	t.Parallel()
	w, err := drafts.Extractive{}.Write(context.Background(), drafts.Request{Author: "@maya", Text: "sync stuck on preparing items since the update", Passages: passages})
	require.NoError(t, err)
	require.True(t, w.Extractive)
	require.Equal(t, []int{1}, w.Cited)
	require.True(t, strings.HasPrefix(w.Body, "Hi maya,"))
	require.Contains(t, w.Body, "> If sync is stuck on Preparing items")
	require.Contains(t, w.Body, passages[0].URL)
	require.Empty(t, codes(drafts.Check(w.Body, w.Cited, passages, drafts.DefaultRules, support)), "the template itself promises nothing")

	w, err = drafts.Extractive{}.Write(context.Background(), drafts.Request{Text: "love the update!", Passages: passages,
		Labels: taxonomy.Classification{Intent: taxonomy.IntentEngagement}})
	require.NoError(t, err)
	require.Contains(t, w.Body, "Thank you")
	require.Empty(t, codes(drafts.Check(w.Body, w.Cited, passages, drafts.DefaultRules, taxonomy.Classification{Intent: taxonomy.IntentEngagement})),
		"a thank-you needs no citation")

	w, err = drafts.Extractive{}.Write(context.Background(), drafts.Request{Text: "hello?"})
	require.NoError(t, err)
	require.Empty(t, w.Cited)
	require.Contains(t, w.Body, "A teammate is looking into this")
}

func TestEditDistance(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"héllo", "hello", 1}, {"same", "same", 0}} {
		require.Equal(t, tt.want, drafts.EditDistance(tt.a, tt.b), "%q→%q", tt.a, tt.b)
		require.Equal(t, tt.want, drafts.EditDistance(tt.b, tt.a))
	}
}
