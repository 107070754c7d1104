package taxonomy

// Classification is the full set of labels for one item.
type Classification struct {
	// What the author wants and what it is about.
	Intent Intent `json:"intent"`
	Topic  string `json:"topic"`

	// How it is said and how soon it needs an answer.
	Urgency   Urgency   `json:"urgency"`
	Sentiment Sentiment `json:"sentiment"`
	Sarcasm   bool      `json:"sarcasm"`

	// What harm or exposure it carries. Severity is low when Risk is none.
	Risk     Risk     `json:"risk"`
	Severity Severity `json:"severity"`

	// Language is an ISO 639-1 code, or "und" when the text has none.
	Language string `json:"language"`

	// Summary is one neutral sentence for a reviewer, at most
	// MaxSummaryLen bytes.
	Summary string `json:"summary"`

	// Confidence holds a probability in [0,1] for every labelled field.
	Confidence Confidence `json:"confidence"`
}

// RiskProbability is the probability the labels give some risk: the risk
// confidence when a risk is named, its complement when the risk is none.
func (c *Classification) RiskProbability() float64 {
	if c.Risk == RiskNone {
		return 1 - c.Confidence.Risk
	}
	return c.Confidence.Risk
}

// MaxSummaryLen is the longest summary accepted, in bytes.
const MaxSummaryLen = 500

// Confidence holds the confidence in [0,1] of each labelled field.
type Confidence struct {
	Intent    float64 `json:"intent"`
	Topic     float64 `json:"topic"`
	Urgency   float64 `json:"urgency"`
	Sentiment float64 `json:"sentiment"`
	Sarcasm   float64 `json:"sarcasm"`
	Risk      float64 `json:"risk"`
	Severity  float64 `json:"severity"`
	Language  float64 `json:"language"`
}

// Of returns the confidence of field f, or 0 for an unknown field.
func (c *Confidence) Of(f Field) float64 {
	if p := c.ref(f); p != nil {
		return *p
	}
	return 0
}

// Set sets the confidence of field f; it does nothing for an unknown field.
func (c *Confidence) Set(f Field, v float64) {
	if p := c.ref(f); p != nil {
		*p = v
	}
}

func (c *Confidence) ref(f Field) *float64 {
	switch f {
	case FieldIntent:
		return &c.Intent
	case FieldTopic:
		return &c.Topic
	case FieldUrgency:
		return &c.Urgency
	case FieldSentiment:
		return &c.Sentiment
	case FieldSarcasm:
		return &c.Sarcasm
	case FieldRisk:
		return &c.Risk
	case FieldSeverity:
		return &c.Severity
	case FieldLanguage:
		return &c.Language
	}
	return nil
}
