package taxonomy_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/triage-oss/triage/internal/taxonomy"
)

// An integrator builds the deployment's taxonomy once, sends its schema to
// the model, and checks every answer with Parse before trusting it. A
// rejected answer lists every problem, in words the model can act on when
// asked to repair its output.
func ExampleTaxonomy_Parse() {
	tax, err := taxonomy.New([]string{"billing", "sync", "onboarding"})
	if err != nil {
		log.Fatal(err) // a bad TRIAGE_TOPICS: refuse to start
	}
	_ = tax.SchemaJSON() // sent as the response format, named taxonomy.SchemaName

	answer := `{
		"intent": "support_issue", "topic": "Sync", "urgency": "high",
		"sentiment": "negative", "sarcasm": true, "risk": "none", "severity": "medium",
		"language": "en", "summary": "Sync has lost the user's notes twice this week.",
		"confidence": {"intent": 0.94, "topic": 0.9, "urgency": 0.7, "sentiment": 0.88,
			"sarcasm": 0.6, "risk": 0.97, "severity": 0.9, "language": 0.99}
	}`
	c, err := tax.Parse([]byte(answer))
	if err != nil {
		log.Fatal(err)
	}
	// Labels are normalized ("Sync" to "sync") and severity is low without risk.
	fmt.Println(c.Intent, c.Topic, c.Urgency, c.Sentiment, c.Sarcasm, c.Risk, c.Severity)
	for _, f := range []taxonomy.Field{taxonomy.FieldTopic, taxonomy.FieldUrgency} {
		label, _ := c.Label(f)
		fmt.Printf("%s=%s (%.2f)\n", f, label, c.Confidence.Of(f))
	}

	bad := `{"intent": "question", "topic": "sync", "urgency": "high", "sentiment": "negative",
		"sarcasm": false, "risk": "none", "severity": "low", "language": "english",
		"summary": "Sync is broken.", "confidence": {"intent": 0.5}}`
	_, err = tax.Parse([]byte(bad))
	var verr *taxonomy.ValidationError
	if errors.As(err, &verr) {
		for _, p := range verr.Problems {
			fmt.Printf("%s: %s\n", p.Field, p.Message)
		}
	}
	fmt.Println(errors.Is(err, taxonomy.ErrInvalid))
	// Output:
	// support_issue sync high negative true none low
	// topic=sync (0.90)
	// urgency=high (0.70)
	// intent: "question" is not one of support_issue, product_feedback, risk_signal, engagement, noise
	// language: "english" is not an ISO 639-1 code (or "und")
	// confidence.topic: missing
	// confidence.urgency: missing
	// confidence.sentiment: missing
	// confidence.sarcasm: missing
	// confidence.risk: missing
	// confidence.severity: missing
	// confidence.language: missing
	// true
}
