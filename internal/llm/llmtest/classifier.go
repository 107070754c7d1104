package llmtest

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"unicode"

	"github.com/triage-oss/triage/internal/taxonomy"
)

// rule maps keywords to labels. The first rule with a keyword in the text
// wins.
type rule struct {
	keywords  []string
	intent    taxonomy.Intent
	topic     string
	urgency   taxonomy.Urgency
	sentiment taxonomy.Sentiment
	risk      taxonomy.Risk
	severity  taxonomy.Severity
	summary   string
}

var rules = []rule{
	{[]string{"crypto giveaway", "free crypto", "scam", "seed phrase"}, taxonomy.IntentRiskSignal, "security",
		taxonomy.UrgencyHigh, taxonomy.SentimentNeutral, taxonomy.RiskScam, taxonomy.SeverityHigh, "The item promotes or reports a scam."},
	{[]string{"kill you", "hurt you", "threat"}, taxonomy.IntentRiskSignal, taxonomy.TopicOther,
		taxonomy.UrgencyCritical, taxonomy.SentimentNegative, taxonomy.RiskThreat, taxonomy.SeverityCritical, "The item threatens violence."},
	{[]string{"lawsuit", "lawyer", "sue you"}, taxonomy.IntentRiskSignal, taxonomy.TopicOther,
		taxonomy.UrgencyHigh, taxonomy.SentimentNegative, taxonomy.RiskLegal, taxonomy.SeverityHigh, "The item raises a legal threat."},
	{[]string{"refund", "charged twice", "invoice"}, taxonomy.IntentSupportIssue, "billing",
		taxonomy.UrgencyHigh, taxonomy.SentimentNegative, taxonomy.RiskNone, taxonomy.SeverityLow, "The author has a billing problem and asks for help."},
	{[]string{"password", "log in", "login", "locked out"}, taxonomy.IntentSupportIssue, "account",
		taxonomy.UrgencyHigh, taxonomy.SentimentNegative, taxonomy.RiskNone, taxonomy.SeverityLow, "The author cannot access their account."},
	{[]string{"broken", "error", "crash", "bug", "not working", "doesn't work"}, taxonomy.IntentSupportIssue, "bug",
		taxonomy.UrgencyHigh, taxonomy.SentimentNegative, taxonomy.RiskNone, taxonomy.SeverityLow, "The author reports something that does not work."},
	{[]string{"feature", "please add", "would be nice", "suggestion"}, taxonomy.IntentProductFeedback, "feature_request",
		taxonomy.UrgencyLow, taxonomy.SentimentNeutral, taxonomy.RiskNone, taxonomy.SeverityLow, "The author suggests a product improvement."},
	{[]string{"love", "thank", "awesome", "amazing"}, taxonomy.IntentEngagement, "community",
		taxonomy.UrgencyLow, taxonomy.SentimentPositive, taxonomy.RiskNone, taxonomy.SeverityLow, "The author expresses appreciation."},
}

var noise = rule{nil, taxonomy.IntentNoise, taxonomy.TopicOther,
	taxonomy.UrgencyLow, taxonomy.SentimentNeutral, taxonomy.RiskNone, taxonomy.SeverityLow, "The item asks nothing of the team."}

// Keyword markers of urgency, sarcasm and non-English languages.
var (
	urgentWords   = []string{"urgent", "asap", "immediately"}
	sarcasmWords  = []string{"yeah right", "oh great", "/s"}
	languageWords = map[string][]string{
		"fr": {"bonjour", "merci", " je ", " pas "},
		"es": {"hola", "gracias", "por favor", "no funciona"},
		"de": {"danke", "bitte", " nicht "},
	}
)

// Confidences Classify reports: high for a keyword match, low for noise.
const (
	MatchConfidence = 0.9
	NoiseConfidence = 0.55
)

// Classify returns the classification the Classifier handler answers for
// text, with the default topics. It reads lower-cased keywords; the first
// matching line wins:
//
//	"crypto giveaway", "free crypto", "scam", "seed phrase"  risk_signal, risk scam, severity high, topic security
//	"kill you", "hurt you", "threat"                         risk_signal, risk threat, severity critical
//	"lawsuit", "lawyer", "sue you"                           risk_signal, risk legal, severity high
//	"refund", "charged twice", "invoice"                     support_issue, topic billing, negative
//	"password", "log in", "login", "locked out"              support_issue, topic account, negative
//	"broken", "error", "crash", "bug", "not working", ...    support_issue, topic bug, negative
//	"feature", "please add", "would be nice", "suggestion"   product_feedback, topic feature_request
//	"love", "thank", "awesome", "amazing"                    engagement, topic community, positive
//	anything else                                            noise, topic other, neutral
//
// Then "urgent", "asap" or "immediately" raise the urgency to critical;
// "yeah right", "oh great" or "/s" set sarcasm and a negative sentiment;
// a few common words mark French, Spanish or German (English otherwise,
// "und" without letters). Every confidence is MatchConfidence, or
// NoiseConfidence for noise. The result always passes taxonomy validation.
func Classify(text string) taxonomy.Classification {
	lower := " " + strings.ToLower(text) + " "
	r := noise
	if i := slices.IndexFunc(rules, func(r rule) bool { return containsAny(lower, r.keywords) }); i >= 0 {
		r = rules[i]
	}
	c := taxonomy.Classification{
		Intent: r.intent, Topic: r.topic, Urgency: r.urgency, Sentiment: r.sentiment,
		Risk: r.risk, Severity: r.severity, Language: language(lower), Summary: r.summary,
	}
	if r.intent != taxonomy.IntentNoise && containsAny(lower, urgentWords) {
		c.Urgency = taxonomy.UrgencyCritical
	}
	if containsAny(lower, sarcasmWords) {
		c.Sarcasm, c.Sentiment = true, taxonomy.SentimentNegative
	}
	conf := MatchConfidence
	if r.intent == taxonomy.IntentNoise {
		conf = NoiseConfidence
	}
	for _, f := range taxonomy.Fields {
		c.Confidence.Set(f, conf)
	}
	return c
}

func language(lower string) string {
	if !strings.ContainsFunc(lower, unicode.IsLetter) {
		return taxonomy.LanguageUndetermined
	}
	for _, code := range []string{"fr", "es", "de"} {
		if containsAny(lower, languageWords[code]) {
			return code
		}
	}
	return "en"
}

func containsAny(s string, words []string) bool {
	return slices.ContainsFunc(words, func(w string) bool { return strings.Contains(s, w) })
}

// Classifier answers every call with a valid classification of the item,
// as Classify labels it, encoded as JSON. The item is the last user
// message, or the text between "<item>" and "</item>" in it when both tags
// are present (so that instructions around the item are not read). When
// the call's schema lists topics and the chosen topic is not among them,
// the topic is "other".
//
// A call whose schema asks for a reply with citations (a draft) gets
// DraftContent instead, so a fake server built on Classifier serves the
// whole pipeline.
func Classifier() Handler {
	return func(_ context.Context, c Call) Reply {
		if bytes.Contains(c.Schema, []byte(`"citations"`)) {
			return Reply{Content: DraftContent}
		}
		cl := Classify(ItemText(c))
		if topics := schemaTopics(c.Schema); topics != nil && !slices.Contains(topics, cl.Topic) {
			cl.Topic = taxonomy.TopicOther
		}
		b, err := json.Marshal(cl)
		if err != nil {
			panic(err) // strings, bools and floats only
		}
		return Reply{Content: string(b)}
	}
}

// DraftContent is Classifier's answer to a draft request: a short reply
// citing the first passage.
const DraftContent = `{"reply":"Hi! Thanks for reaching out. The help article covers this step by step; if it doesn't solve it, reply here and a teammate will take a closer look.","citations":[1]}`

// ItemText returns the text Classifier reads from a call: what lies between
// "<item>" and "</item>" in the last user message that has both (so a
// repair turn, which follows the item, still reads the item), or the last
// user message when none has them.
func ItemText(c Call) string {
	for _, m := range slices.Backward(c.Messages) {
		if m.Role != "user" {
			continue
		}
		_, after, ok := strings.Cut(m.Content, "<item>")
		if !ok {
			continue
		}
		if inner, _, ok := strings.Cut(after, "</item>"); ok {
			return inner
		}
	}
	return c.LastUser()
}

// schemaTopics returns the topic enum of a classification schema, nil when
// it has none.
func schemaTopics(schema []byte) []string {
	var s struct {
		Properties struct {
			Topic struct {
				Enum []string `json:"enum"`
			} `json:"topic"`
		} `json:"properties"`
	}
	if json.Unmarshal(schema, &s) != nil {
		return nil
	}
	return s.Properties.Topic.Enum
}
