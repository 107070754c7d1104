package localmodel

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/taxonomy"
)

func TestDetectLanguage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		text string
		want string
	}{
		{"I can't log in to my account since this morning", "en"},
		{"No puedo iniciar sesión desde ayer, ¿qué hago?", "es"},
		{"Impossible de me connecter depuis ce matin, merci de m'aider", "fr"},
		{"Ich kann mich seit gestern nicht mehr anmelden", "de"},
		{"Não consigo entrar na minha conta desde ontem", "pt"},
		{"Non riesco ad accedere al mio account da stamattina", "it"},
		{"Mijn bestelling is nog steeds niet aangekomen", "nl"},
		{"Приложение не работает", "ru"},
		{"Застосунок не працює, і я не можу увійти", "uk"},
		{"アプリが起動しません", "ja"},
		{"应用程序无法启动", "zh"},
		{"앱이 작동하지 않아요", "ko"},
		{"Η εφαρμογή δεν λειτουργεί", "el"},
		{"التطبيق لا يعمل", "ar"},
		{"😂🔥👍", taxonomy.LanguageUndetermined},
		{"12345 !!!", taxonomy.LanguageUndetermined},
		{"", taxonomy.LanguageUndetermined},
	} {
		t.Run(tc.want+"/"+tc.text, func(t *testing.T) {
			t.Parallel()
			got, conf := detectLanguage(tc.text)
			require.Equal(t, tc.want, got)
			require.True(t, taxonomy.ValidLanguage(got))
			require.InDelta(t, 0.5, conf, 0.5)
		})
	}
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", taxonomy.MaxSummaryLen)
	for _, tc := range []struct {
		name string
		text string
		want string
	}{
		{"FirstSentence", "The export fails with an error. I tried twice. Help!", "The export fails with an error."},
		{"ShortFirstSentenceKeepsNext", "Hi. My card was charged twice today. Please check.", "Hi. My card was charged twice today."},
		{"WhitespaceCollapsed", "  line one\n\nline   two  ", "line one line two"},
		{"Empty", " \n ", emptySummary},
		{"InvalidUTF8Dropped", "bad \xff byte here", "bad byte here"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, summarize(tc.text))
		})
	}
	t.Run("TruncatedOnRuneBoundary", func(t *testing.T) {
		t.Parallel()
		got := summarize(long)
		require.LessOrEqual(t, len(got), taxonomy.MaxSummaryLen)
		require.True(t, utf8.ValidString(got))
		require.True(t, strings.HasSuffix(got, "…"))
	})
}

func TestKeywordMatching(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		text   string
		phrase string
		want   bool
	}{
		{"WordBoundary", "the site is DOWN!", "_down_", true},
		{"NotInsideWord", "I downloaded it", "_down_", false},
		{"Prefix", "the prices went up", "_price", true},
		{"Phrase", "I was Charged  Twice.", "charged twice", true},
		{"Accents", "Me cobraron dos veces", "dos veces", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, matchCount(lowerPadded(tc.text), []string{tc.phrase}) == 1)
		})
	}
}

func TestUrgencyAndSeverityRules(t *testing.T) {
	t.Parallel()
	base := taxonomy.Classification{Intent: taxonomy.IntentSupportIssue, Risk: taxonomy.RiskNone, Severity: taxonomy.SeverityLow}
	with := func(f func(c *taxonomy.Classification)) taxonomy.Classification {
		c := base
		f(&c)
		return c
	}
	for _, tc := range []struct {
		name string
		c    taxonomy.Classification
		text string
		want taxonomy.Urgency
	}{
		{"CriticalRisk", with(func(c *taxonomy.Classification) {
			c.Risk, c.Severity = taxonomy.RiskSelfHarm, taxonomy.SeverityCritical
		}), "", taxonomy.UrgencyCritical},
		{"HackedSupport", base, "my account was hacked", taxonomy.UrgencyCritical},
		{"UrgentWord", base, "urgent: cannot export", taxonomy.UrgencyHigh},
		{"Plain", base, "how do I export a report", taxonomy.UrgencyNormal},
		{"Noise", with(func(c *taxonomy.Classification) { c.Intent = taxonomy.IntentNoise }), "the game is down 2-0 lol", taxonomy.UrgencyLow},
		{"Engagement", with(func(c *taxonomy.Classification) { c.Intent = taxonomy.IntentEngagement }), "love it", taxonomy.UrgencyLow},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, conf := urgencyOf(tc.c, kw.m.scan(lowerPadded(tc.text)))
			require.Equal(t, tc.want, got)
			require.InDelta(t, 0.5, conf, 0.5)
		})
	}
}

func TestBankingMappingComplete(t *testing.T) {
	t.Parallel()
	for intent, topic := range bankingTopics {
		require.Contains(t, taxonomy.DefaultTopics, topic, intent)
	}
	for _, intent := range neutralBanking {
		require.Contains(t, bankingTopics, intent)
	}
}

func TestMatcherAgreesWithPlainMatching(t *testing.T) {
	t.Parallel()
	exs, err := readCorpus(corpusFS)
	require.NoError(t, err)
	lists := map[string][]string{"urgent": urgentWords, "critical": criticalWords, "violent": violentWords}
	ids := map[string][]int32{"urgent": kw.urgent, "critical": kw.critical, "violent": kw.violent}
	for topic, list := range topicKeywords {
		lists[topic], ids[topic] = list, kw.topic[topic]
	}
	for _, ex := range exs {
		padded := lowerPadded(ex.Text)
		hit := kw.m.scan(padded)
		for name, list := range lists {
			require.Equal(t, matchCount(padded, list), count(hit, ids[name]), "%s in %q", name, ex.Text)
		}
	}
}

func TestSpamOrScam(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		spam, scam float64
		bait       bool
		want       taxonomy.Risk
		minConf    float64
	}{
		{"ClearSpam", 0.9, 0.05, false, taxonomy.RiskSpam, 0.9},
		{"ScamWins", 0.3, 0.6, false, taxonomy.RiskScam, 0.6},
		{"DoubtGoesToScam", 0.5, 0.3, false, taxonomy.RiskScam, 0.3},
		{"CredentialBait", 0.9, 0.05, true, taxonomy.RiskScam, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, conf := spamOrScam(0.99, tc.spam, tc.scam, tc.bait)
			require.Equal(t, tc.want, got)
			require.GreaterOrEqual(t, conf, tc.minConf)
			require.LessOrEqual(t, conf, 1.0)
		})
	}
}
