package localmodel

import (
	"strings"

	"github.com/triage-oss/triage/internal/taxonomy"
)

// Classify returns the full classification of text under taxonomy t
// (taxonomy.Default() when nil). Every result passes t.Validate, whatever
// the input: empty, emoji only, huge or not valid UTF-8.
//
// Fields come from the heads where data covers them and from documented
// rules elsewhere:
//
//   - risk: self harm or threat from the risk head first; then spam or scam
//     when the spam head fires (doubt goes to scam: see spamOrScam); then
//     abuse when the abuse head fires; then
//     the other risks from the risk head at probability 0.5 or more; then,
//     when the intent head reads a risk signal, the risk head's most likely
//     risk (see riskOf).
//   - severity: a default per risk, raised or lowered by a few words (see
//     severityOf).
//   - intent: spam is noise and the rarer risks are risk signals; abuse is
//     a risk signal unless the intent head sees a support issue or product
//     feedback; otherwise the intent head decides among the other four,
//     and a complaint the intent head took for engagement or noise is a
//     support issue.
//   - sentiment: the sentiment head, with a positive reading turned
//     negative when the irony head is confident (0.6) the text is sarcastic.
//   - sarcasm: the irony head at its tuned threshold.
//   - topic: the topic head plus keyword hits (see topicOf).
//   - urgency, language and summary: rules only.
func (m *Model) Classify(t *taxonomy.Taxonomy, text string) taxonomy.Classification {
	if t == nil {
		t = taxonomy.Default()
	}
	text = strings.ToValidUTF8(text, "\uFFFD")
	if strings.TrimSpace(text) == "" {
		return emptyClassification()
	}
	s := m.pool.Get().(*scratch)
	defer m.pool.Put(s)
	m.probs(s, text)
	v := m.view(s)
	padded := lowerPadded(text)
	hit := kw.m.scan(padded)
	var c taxonomy.Classification
	c.Language, c.Confidence.Language = detectLanguage(text)
	c.Sarcasm, c.Confidence.Sarcasm = v.on(headIrony), binaryConf(v.p(headIrony), v.on(headIrony))
	c.Risk, c.Confidence.Risk = riskOf(v, hit)
	c.Severity, c.Confidence.Severity = severityOf(c.Risk, v, hit)
	c.Intent, c.Confidence.Intent = intentOf(v, c.Risk)
	c.Sentiment, c.Confidence.Sentiment = sentimentOf(v, c.Sarcasm)
	c.Topic, c.Confidence.Topic = topicOf(t, v, padded, hit)
	c.Urgency, c.Confidence.Urgency = urgencyOf(c, hit)
	c.Summary = summarize(text)
	return c
}

// emptyClassification is the answer for text with nothing in it.
func emptyClassification() taxonomy.Classification {
	return taxonomy.Classification{
		Intent: taxonomy.IntentNoise, Topic: taxonomy.TopicOther, Urgency: taxonomy.UrgencyLow,
		Sentiment: taxonomy.SentimentNeutral, Risk: taxonomy.RiskNone, Severity: taxonomy.SeverityLow,
		Language: taxonomy.LanguageUndetermined, Summary: emptySummary,
		Confidence: taxonomy.Confidence{Intent: 0.95, Topic: 0.95, Urgency: 0.95, Sentiment: 0.95,
			Sarcasm: 0.95, Risk: 0.95, Severity: 0.95, Language: 0.95},
	}
}

// binaryConf is the probability of the decision taken on p.
func binaryConf(p float64, on bool) float64 {
	if on {
		return p
	}
	return 1 - p
}

// argmax returns the index of the largest of ps among allowed (all when
// allowed is nil) and its share of their total.
func argmax(ps []float64, allowed func(int) bool) (int, float64) {
	best, total := -1, 0.0
	for i, p := range ps {
		if allowed != nil && !allowed(i) {
			continue
		}
		total += p
		if best < 0 || p > ps[best] {
			best = i
		}
	}
	if best < 0 || total == 0 {
		return max(best, 0), 0
	}
	return best, ps[best] / total
}
