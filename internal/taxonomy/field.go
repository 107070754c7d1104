package taxonomy

// Field names a classification field. Field names are the JSON keys of
// [Classification] and the keys of its [Confidence] map.
type Field string

// Fields carrying a label and a confidence.
const (
	FieldIntent    Field = "intent"
	FieldTopic     Field = "topic"
	FieldUrgency   Field = "urgency"
	FieldSentiment Field = "sentiment"
	FieldSarcasm   Field = "sarcasm"
	FieldRisk      Field = "risk"
	FieldSeverity  Field = "severity"
	FieldLanguage  Field = "language"
)

// Fields lists every labelled field in the order reports print them.
var Fields = []Field{FieldIntent, FieldTopic, FieldUrgency, FieldSentiment, FieldSarcasm, FieldRisk, FieldSeverity, FieldLanguage}

// Labels returns the closed label set of field f, or nil for language, whose
// labels are every ISO 639-1 code plus [LanguageUndetermined]. Sarcasm's
// labels are "true" and "false".
func (t *Taxonomy) Labels(f Field) []string {
	switch f {
	case FieldIntent:
		return stringsOf(Intents)
	case FieldTopic:
		return append([]string(nil), t.topics...)
	case FieldUrgency:
		return stringsOf(Urgencies)
	case FieldSentiment:
		return stringsOf(Sentiments)
	case FieldSarcasm:
		return []string{"false", "true"}
	case FieldRisk:
		return stringsOf(Risks)
	case FieldSeverity:
		return stringsOf(Severities)
	}
	return nil
}

// Label returns the value of field f in c as a string ("true"/"false" for
// sarcasm), and false when f is not a labelled field.
func (c *Classification) Label(f Field) (string, bool) {
	switch f {
	case FieldIntent:
		return string(c.Intent), true
	case FieldTopic:
		return c.Topic, true
	case FieldUrgency:
		return string(c.Urgency), true
	case FieldSentiment:
		return string(c.Sentiment), true
	case FieldSarcasm:
		if c.Sarcasm {
			return "true", true
		}
		return "false", true
	case FieldRisk:
		return string(c.Risk), true
	case FieldSeverity:
		return string(c.Severity), true
	case FieldLanguage:
		return c.Language, true
	}
	return "", false
}
