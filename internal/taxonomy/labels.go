package taxonomy

// Intent is what the author wants from the team.
type Intent string

// Intents.
const (
	IntentSupportIssue    Intent = "support_issue"
	IntentProductFeedback Intent = "product_feedback"
	IntentRiskSignal      Intent = "risk_signal"
	IntentEngagement      Intent = "engagement"
	IntentNoise           Intent = "noise"
)

// Intents lists every intent in a stable order.
var Intents = []Intent{IntentSupportIssue, IntentProductFeedback, IntentRiskSignal, IntentEngagement, IntentNoise}

// Risk is the category of harm or exposure an item carries.
type Risk string

// Risks.
const (
	RiskNone           Risk = "none"
	RiskSpam           Risk = "spam"
	RiskScam           Risk = "scam"
	RiskAbuse          Risk = "abuse"
	RiskThreat         Risk = "threat"
	RiskImpersonation  Risk = "impersonation"
	RiskMisinformation Risk = "misinformation"
	RiskPRExposure     Risk = "pr_exposure"
	RiskLegal          Risk = "legal"
	RiskSelfHarm       Risk = "self_harm"
)

// Risks lists every risk category in a stable order.
var Risks = []Risk{RiskNone, RiskSpam, RiskScam, RiskAbuse, RiskThreat, RiskImpersonation, RiskMisinformation, RiskPRExposure, RiskLegal, RiskSelfHarm}

// Severity grades a risk. An item without risk has severity low.
type Severity string

// Severities, from least to most severe.
const (
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Severities lists every severity from least to most severe.
var Severities = []Severity{SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}

// Sentiment is the author's overall tone, read through any sarcasm.
type Sentiment string

// Sentiments.
const (
	SentimentNegative Sentiment = "negative"
	SentimentNeutral  Sentiment = "neutral"
	SentimentPositive Sentiment = "positive"
)

// Sentiments lists every sentiment in a stable order.
var Sentiments = []Sentiment{SentimentNegative, SentimentNeutral, SentimentPositive}

// Urgency is how soon the team should act.
type Urgency string

// Urgencies, from least to most urgent.
const (
	UrgencyLow      Urgency = "low"
	UrgencyNormal   Urgency = "normal"
	UrgencyHigh     Urgency = "high"
	UrgencyCritical Urgency = "critical"
)

// Urgencies lists every urgency from least to most urgent.
var Urgencies = []Urgency{UrgencyLow, UrgencyNormal, UrgencyHigh, UrgencyCritical}

// TopicOther is the topic of anything no configured topic fits. It is
// always part of a taxonomy's topic list.
const TopicOther = "other"

// DefaultTopics is the topic list used when a deployment configures none.
var DefaultTopics = []string{
	"account", "billing", "bug", "feature_request", "performance", "security",
	"shipping", "pricing", "community", "partnership", TopicOther,
}

// LanguageUndetermined is the language of text that has none (emoji, links,
// numbers). It is the ISO 639-2 code for "undetermined", the one value
// accepted outside ISO 639-1.
const LanguageUndetermined = "und"

func stringsOf[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
