package localmodel

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/taxonomy"
)

func defaultModelT(t testing.TB) *Model {
	t.Helper()
	m, err := Default()
	require.NoError(t, err)
	return m
}

func TestDefaultModelSensible(t *testing.T) {
	t.Parallel()
	m := defaultModelT(t)
	for _, tc := range []struct {
		name  string
		text  string
		check func(t *testing.T, s Scores, c taxonomy.Classification)
	}{
		{"SMSSpam", "WINNER!! You have been selected for a £1000 cash prize. Call 09061701461 now to claim, T&C apply", func(t *testing.T, s Scores, c taxonomy.Classification) {
			require.Greater(t, s.Spam, 0.5)
			require.Equal(t, taxonomy.RiskSpam, c.Risk)
			require.Equal(t, taxonomy.IntentNoise, c.Intent)
		}},
		{"Praise", "I love this update, thank you!", func(t *testing.T, s Scores, c taxonomy.Classification) {
			require.Equal(t, taxonomy.SentimentPositive, c.Sentiment)
			require.Equal(t, taxonomy.IntentEngagement, c.Intent)
			require.Less(t, s.Spam, 0.5)
		}},
		{"DoubleCharge", "I was charged twice this month, please refund me", func(t *testing.T, s Scores, c taxonomy.Classification) {
			require.Equal(t, taxonomy.IntentSupportIssue, c.Intent)
			require.Equal(t, "billing", c.Topic)
			require.Equal(t, taxonomy.UrgencyHigh, c.Urgency)
			require.Equal(t, taxonomy.SentimentNegative, c.Sentiment)
		}},
		{"Chatter", "lol see you tomorrow", func(t *testing.T, s Scores, c taxonomy.Classification) {
			require.Equal(t, taxonomy.IntentNoise, c.Intent)
			require.Greater(t, s.Noise, 0.5)
			require.Equal(t, taxonomy.UrgencyLow, c.Urgency)
		}},
		{"Threat", "I will find the admin and hurt him, I swear.", func(t *testing.T, s Scores, c taxonomy.Classification) {
			require.Equal(t, taxonomy.RiskThreat, c.Risk)
			require.Equal(t, taxonomy.IntentRiskSignal, c.Intent)
			require.Equal(t, taxonomy.UrgencyCritical, c.Urgency)
		}},
		{"SelfHarm", "I don't want to live anymore.", func(t *testing.T, s Scores, c taxonomy.Classification) {
			require.Equal(t, taxonomy.RiskSelfHarm, c.Risk)
			require.Equal(t, taxonomy.SeverityCritical, c.Severity)
			require.Equal(t, taxonomy.UrgencyCritical, c.Urgency)
		}},
		{"FeatureRequest", "please add an export to PDF option", func(t *testing.T, s Scores, c taxonomy.Classification) {
			require.Equal(t, taxonomy.IntentProductFeedback, c.Intent)
			require.Equal(t, "feature_request", c.Topic)
		}},
		{"Insult", "shut up you stupid idiot, nobody cares", func(t *testing.T, s Scores, c taxonomy.Classification) {
			require.Greater(t, s.Abuse, 0.5)
			require.Equal(t, taxonomy.RiskAbuse, c.Risk)
		}},
		{"Spanish", "Me cobraron dos veces, necesito un reembolso urgente", func(t *testing.T, s Scores, c taxonomy.Classification) {
			require.Equal(t, "es", c.Language)
			require.Equal(t, taxonomy.IntentSupportIssue, c.Intent)
		}},
		{"FrenchJournalist", "Je suis journaliste et je prépare un article sur votre entreprise", func(t *testing.T, s Scores, c taxonomy.Classification) {
			require.Equal(t, "fr", c.Language)
			require.Equal(t, taxonomy.RiskPRExposure, c.Risk)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := m.Classify(nil, tc.text)
			require.NoError(t, taxonomy.Default().Validate(c))
			tc.check(t, m.Scores(tc.text), c)
		})
	}
}

func TestClassifyAlwaysValid(t *testing.T) {
	t.Parallel()
	m := defaultModelT(t)
	custom := taxonomy.MustNew([]string{"refunds", "login", "billing"})
	for _, tc := range []struct {
		name string
		text string
	}{
		{"Empty", ""},
		{"Spaces", " \n\t "},
		{"EmojiOnly", "😂😂🔥👍🏽"},
		{"URLOnly", "https://example.com/a?b=c"},
		{"Numbers", "123 456 7890"},
		{"InvalidUTF8", "caf\xe9 \xff\xfe broken \xc3"},
		{"OnlyInvalidUTF8", "\xff\xfe\xfd"},
		{"VeryLong", strings.Repeat("The app crashes when I open settings. ", 20000)},
		{"LongWord", strings.Repeat("a", 100000)},
		{"Newlines", "first line\nsecond line\r\nthird"},
		{"Japanese", "アプリが起動しません。助けてください。"},
		{"Russian", "Приложение не работает после обновления"},
		{"Arabic", "التطبيق لا يعمل بعد التحديث"},
		{"Mixed", "@user #NotMyFault $$$ !!! ??? 100% <3 :)"},
		{"NUL", "hello\x00world"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, tax := range []*taxonomy.Taxonomy{taxonomy.Default(), custom} {
				c := m.Classify(tax, tc.text)
				require.NoError(t, tax.Validate(c), "%+v", c)
				require.NotContains(t, c.Summary, "\n")
			}
		})
	}
}

func TestClassifyCustomTopics(t *testing.T) {
	t.Parallel()
	m := defaultModelT(t)
	for _, tc := range []struct {
		name   string
		topics []string
		text   string
		want   string
	}{
		{"KnownTopicKept", []string{"billing"}, "I was charged twice, refund please", "billing"},
		{"UnconfiguredBecomesOther", []string{"shipping"}, "I was charged twice, refund please", taxonomy.TopicOther},
		{"CustomTopicByName", []string{"refunds"}, "where are my refunds? it has been weeks", "refunds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := m.Classify(taxonomy.MustNew(tc.topics), tc.text)
			require.Equal(t, tc.want, c.Topic)
		})
	}
}

func TestScoresAreProbabilities(t *testing.T) {
	t.Parallel()
	m := defaultModelT(t)
	s := m.Scores("the new dashboard is slow and the export button is gone")
	for _, p := range []float64{s.Spam, s.Complaint, s.Abuse, s.Hate, s.Sarcasm, s.Noise} {
		require.GreaterOrEqual(t, p, 0.0)
		require.LessOrEqual(t, p, 1.0)
	}
	for _, dist := range []map[string]float64{stringKeys(s.Sentiment), stringKeys(s.Intent), stringKeys(s.Risk), s.Topic} {
		var sum float64
		for _, p := range dist {
			sum += p
		}
		require.InDelta(t, 1.0, sum, 1e-9)
	}
	require.Len(t, s.Topic, len(taxonomy.DefaultTopics))
}

func stringKeys[K ~string](m map[K]float64) map[string]float64 {
	out := make(map[string]float64, len(m))
	for k, v := range m {
		out[string(k)] = v
	}
	return out
}

func BenchmarkClassify(b *testing.B) {
	m := defaultModelT(b)
	tax := taxonomy.Default()
	short := []string{
		"I was charged twice for my subscription this month, can someone refund the extra payment?",
		"@user lol this game is so good 😂😂 #winning",
		"Would love a dark mode for the mobile app, my eyes at 2am say thanks in advance",
		"WINNER!! You have been selected for a £1000 cash prize. Call 09061701461 now to claim",
		"La aplicación se cierra sola cada vez que intento subir una foto.",
		"Oh great, another redesign nobody asked for. Where did my settings go this time?",
	}
	email := []string{strings.Repeat("Hello team, since the last update the export to CSV fails with an error about permissions. ", 20)}
	for _, tc := range []struct {
		name  string
		texts []string
	}{{"Short", short}, {"Email2KB", email}, {"EvalSets", evalTexts(b)}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				m.Classify(tax, tc.texts[i%len(tc.texts)])
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
		})
	}
}

// evalTexts returns the texts of the project's eval sets: a realistic mix of
// channels, lengths and languages.
func evalTexts(tb testing.TB) []string {
	tb.Helper()
	var texts []string
	for _, name := range []string{"core", "multilingual", "injection"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "evals", name+".jsonl"))
		require.NoError(tb, err)
		for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
			var it struct{ Text string }
			require.NoError(tb, json.Unmarshal(line, &it))
			texts = append(texts, it.Text)
		}
	}
	return texts
}
