package taxonomy

import "encoding/json"

// SchemaName is the name under which the classification schema is sent to
// models that take a named schema (OpenAI's json_schema response format).
const SchemaName = "triage_classification"

// Schema returns the JSON schema a model must fill. It stays inside the
// subset that OpenAI's strict structured outputs and Ollama's format accept:
// every property required, no additional properties, closed enums. Ranges
// and the language code list are checked by [Taxonomy.Parse] instead.
func (t *Taxonomy) Schema() map[string]any {
	props := map[string]any{
		"intent":    enum(t.Labels(FieldIntent), "What the author wants from the team."),
		"topic":     enum(t.Labels(FieldTopic), "What the item is about; other when no topic fits."),
		"urgency":   enum(t.Labels(FieldUrgency), "How soon the team should act."),
		"sentiment": enum(t.Labels(FieldSentiment), "The author's real tone, read through any sarcasm."),
		"sarcasm":   map[string]any{"type": "boolean", "description": "True when the literal words mean the opposite of what the author means."},
		"risk":      enum(t.Labels(FieldRisk), "The category of harm or exposure; none when there is none."),
		"severity":  enum(t.Labels(FieldSeverity), "How severe the risk is; low when risk is none."),
		"language":  map[string]any{"type": "string", "description": "ISO 639-1 code of the item's language, or und when it has none."},
		"summary":   map[string]any{"type": "string", "description": "One neutral sentence describing the item for a reviewer."},
	}
	confProps := map[string]any{}
	for _, f := range Fields {
		confProps[string(f)] = map[string]any{"type": "number", "description": "Probability in [0,1] that the " + string(f) + " label is right."}
	}
	props["confidence"] = object(confProps, stringsOf(Fields))
	required := append(stringsOf(Fields), "summary", "confidence")
	return object(props, required)
}

// SchemaJSON returns [Taxonomy.Schema] encoded as JSON.
func (t *Taxonomy) SchemaJSON() json.RawMessage {
	b, err := json.Marshal(t.Schema())
	if err != nil {
		panic(err) // the schema is built from strings and maps only
	}
	return b
}

func enum(values []string, desc string) map[string]any {
	return map[string]any{"type": "string", "enum": values, "description": desc}
}

func object(props map[string]any, required []string) map[string]any {
	return map[string]any{
		"type":                 "object",
		"properties":           props,
		"required":             required,
		"additionalProperties": false,
	}
}
