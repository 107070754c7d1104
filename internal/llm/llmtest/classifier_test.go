package llmtest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/llm/llmtest"
	"github.com/triage-oss/triage/internal/taxonomy"
)

func TestClassify(t *testing.T) {
	t.Parallel()

	type labels struct {
		intent    taxonomy.Intent
		topic     string
		urgency   taxonomy.Urgency
		sentiment taxonomy.Sentiment
		sarcasm   bool
		risk      taxonomy.Risk
		language  string
	}
	tests := []struct {
		text string
		want labels
	}{
		{"I want a refund for my order", labels{taxonomy.IntentSupportIssue, "billing", taxonomy.UrgencyHigh, taxonomy.SentimentNegative, false, taxonomy.RiskNone, "en"}},
		{"The app is BROKEN, fix it ASAP", labels{taxonomy.IntentSupportIssue, "bug", taxonomy.UrgencyCritical, taxonomy.SentimentNegative, false, taxonomy.RiskNone, "en"}},
		{"I get an error when I log in", labels{taxonomy.IntentSupportIssue, "account", taxonomy.UrgencyHigh, taxonomy.SentimentNegative, false, taxonomy.RiskNone, "en"}},
		{"Huge CRYPTO GIVEAWAY, send 1 ETH get 2 back", labels{taxonomy.IntentRiskSignal, "security", taxonomy.UrgencyHigh, taxonomy.SentimentNeutral, false, taxonomy.RiskScam, "en"}},
		{"My lawyer will hear about this", labels{taxonomy.IntentRiskSignal, "other", taxonomy.UrgencyHigh, taxonomy.SentimentNegative, false, taxonomy.RiskLegal, "en"}},
		{"I love this product", labels{taxonomy.IntentEngagement, "community", taxonomy.UrgencyLow, taxonomy.SentimentPositive, false, taxonomy.RiskNone, "en"}},
		{"Oh great, another crash. Love it.", labels{taxonomy.IntentSupportIssue, "bug", taxonomy.UrgencyHigh, taxonomy.SentimentNegative, true, taxonomy.RiskNone, "en"}},
		{"It would be nice to have dark mode", labels{taxonomy.IntentProductFeedback, "feature_request", taxonomy.UrgencyLow, taxonomy.SentimentNeutral, false, taxonomy.RiskNone, "en"}},
		{"Merci, j'adore", labels{taxonomy.IntentNoise, "other", taxonomy.UrgencyLow, taxonomy.SentimentNeutral, false, taxonomy.RiskNone, "fr"}},
		{"Hola, gracias!", labels{taxonomy.IntentNoise, "other", taxonomy.UrgencyLow, taxonomy.SentimentNeutral, false, taxonomy.RiskNone, "es"}},
		{"what a day", labels{taxonomy.IntentNoise, "other", taxonomy.UrgencyLow, taxonomy.SentimentNeutral, false, taxonomy.RiskNone, "en"}},
		{"🔥🔥 123", labels{taxonomy.IntentNoise, "other", taxonomy.UrgencyLow, taxonomy.SentimentNeutral, false, taxonomy.RiskNone, "und"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()

			c := llmtest.Classify(tt.text)
			require.NoError(t, taxonomy.Default().Validate(c))
			require.Equal(t, tt.want, labels{c.Intent, c.Topic, c.Urgency, c.Sentiment, c.Sarcasm, c.Risk, c.Language})
			wantConf := llmtest.MatchConfidence
			if c.Intent == taxonomy.IntentNoise {
				wantConf = llmtest.NoiseConfidence
			}
			for _, f := range taxonomy.Fields {
				require.InDelta(t, wantConf, c.Confidence.Of(f), 1e-9, f)
			}
		})
	}
}

func TestClassifier(t *testing.T) {
	t.Parallel()

	call := func(schema []byte, msgs ...llmtest.Message) llmtest.Call {
		return llmtest.Call{N: 1, Schema: schema, Messages: msgs}
	}
	user := func(s string) llmtest.Message { return llmtest.Message{Role: "user", Content: s} }
	custom := taxonomy.MustNew([]string{"payments", "gameplay"})
	tests := []struct {
		name       string
		tax        *taxonomy.Taxonomy
		call       llmtest.Call
		wantIntent taxonomy.Intent
		wantTopic  string
	}{
		{"LastUserMessage", taxonomy.Default(), call(taxonomy.Default().SchemaJSON(), user("I love it"), llmtest.Message{Role: "assistant", Content: "{}"}, user("refund now")),
			taxonomy.IntentSupportIssue, "billing"},
		{"ItemTags", taxonomy.Default(), call(taxonomy.Default().SchemaJSON(), user("Label errors, refunds and scams in: <item>thank you all</item>")),
			taxonomy.IntentEngagement, "community"},
		{"UnknownTopicIsOther", custom, call(custom.SchemaJSON(), user("I want a refund")), taxonomy.IntentSupportIssue, "other"},
		{"NoSchema", taxonomy.Default(), call(nil, user("I want a refund")), taxonomy.IntentSupportIssue, "billing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			r := llmtest.Classifier()(context.Background(), tt.call)
			c, err := tt.tax.Parse([]byte(r.Content))
			require.NoError(t, err)
			require.Equal(t, tt.wantIntent, c.Intent)
			require.Equal(t, tt.wantTopic, c.Topic)
		})
	}
}
