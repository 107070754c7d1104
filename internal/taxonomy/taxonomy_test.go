package taxonomy_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/taxonomy"
)

// validAnswer returns a model answer that Parse accepts, as a map so that
// tests can change one key at a time.
func validAnswer() map[string]any {
	return map[string]any{
		"intent":    "support_issue",
		"topic":     "billing",
		"urgency":   "high",
		"sentiment": "negative",
		"sarcasm":   false,
		"risk":      "none",
		"severity":  "low",
		"language":  "en",
		"summary":   "The customer was charged twice and asks for a refund.",
		"confidence": map[string]any{
			"intent": 0.9, "topic": 0.8, "urgency": 0.7, "sentiment": 0.95,
			"sarcasm": 0.99, "risk": 0.97, "severity": 0.9, "language": 1.0,
		},
	}
}

// validClassification is validAnswer as the Classification Parse returns.
func validClassification() taxonomy.Classification {
	return taxonomy.Classification{
		Intent:    taxonomy.IntentSupportIssue,
		Topic:     "billing",
		Urgency:   taxonomy.UrgencyHigh,
		Sentiment: taxonomy.SentimentNegative,
		Sarcasm:   false,
		Risk:      taxonomy.RiskNone,
		Severity:  taxonomy.SeverityLow,
		Language:  "en",
		Summary:   "The customer was charged twice and asks for a refund.",
		Confidence: taxonomy.Confidence{
			Intent: 0.9, Topic: 0.8, Urgency: 0.7, Sentiment: 0.95,
			Sarcasm: 0.99, Risk: 0.97, Severity: 0.9, Language: 1.0,
		},
	}
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// problemFields returns the fields named by err, which must be a
// *ValidationError matching ErrInvalid.
func problemFields(t *testing.T, err error) []string {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, taxonomy.ErrInvalid)
	var verr *taxonomy.ValidationError
	require.ErrorAs(t, err, &verr)
	require.NotEmpty(t, verr.Problems)
	fields := make([]string, len(verr.Problems))
	for i, p := range verr.Problems {
		require.NotEmpty(t, p.Message, "problem %d of %v", i, err)
		fields[i] = p.Field
	}
	return fields
}

func TestNew(t *testing.T) {
	t.Parallel()

	numbered := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("topic_%d", i)
		}
		return out
	}
	tests := []struct {
		name    string
		topics  []string
		want    []string // nil when New must fail
		errText string   // part of the error message
	}{
		{name: "nil is the default list", topics: nil, want: taxonomy.DefaultTopics},
		{name: "empty is the default list", topics: []string{}, want: taxonomy.DefaultTopics},
		{name: "custom list gets other appended", topics: []string{"billing", "bug"}, want: []string{"billing", "bug", "other"}},
		{name: "other kept where listed", topics: []string{"other", "billing"}, want: []string{"other", "billing"}},
		{name: "digits and underscores", topics: []string{"v2_api", "a"}, want: []string{"v2_api", "a", "other"}},
		{name: "forty characters", topics: []string{strings.Repeat("a", 40)}, want: []string{strings.Repeat("a", 40), "other"}},
		{name: "63 topics plus other", topics: numbered(63), want: append(numbered(63), "other")},
		{name: "64 topics including other", topics: append(numbered(63), "other"), want: append(numbered(63), "other")},
		{name: "upper case", topics: []string{"Billing"}, errText: `"Billing"`},
		{name: "leading digit", topics: []string{"2fa"}, errText: `"2fa"`},
		{name: "leading underscore", topics: []string{"_billing"}, errText: `"_billing"`},
		{name: "space", topics: []string{"feature request"}, errText: `"feature request"`},
		{name: "hyphen", topics: []string{"feature-request"}, errText: `"feature-request"`},
		{name: "empty topic", topics: []string{"billing", ""}, errText: `""`},
		{name: "forty-one characters", topics: []string{strings.Repeat("a", 41)}, errText: "at most 40"},
		{name: "duplicate", topics: []string{"billing", "bug", "billing"}, errText: "listed twice"},
		{name: "duplicate other", topics: []string{"other", "other"}, errText: "listed twice"},
		{name: "64 topics plus other", topics: numbered(64), errText: "at most 64"},
		{name: "65 topics", topics: append(numbered(64), "other"), errText: "at most 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tax, err := taxonomy.New(tt.topics)
			if tt.want == nil {
				require.Error(t, err)
				require.Nil(t, tax)
				require.Contains(t, err.Error(), tt.errText)
				require.NotContains(t, err.Error(), "\n")
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, tax.Topics())
			require.Equal(t, tt.want, tax.Labels(taxonomy.FieldTopic))
		})
	}
}

func TestNewCopies(t *testing.T) {
	t.Parallel()

	t.Run("input is not aliased", func(t *testing.T) {
		t.Parallel()
		in := []string{"billing", "bug"}
		tax, err := taxonomy.New(in)
		require.NoError(t, err)
		in[0] = "changed"
		require.Equal(t, []string{"billing", "bug", "other"}, tax.Topics())
	})
	t.Run("Topics and Labels return copies", func(t *testing.T) {
		t.Parallel()
		tax := taxonomy.Default()
		tax.Topics()[0] = "changed"
		tax.Labels(taxonomy.FieldTopic)[0] = "changed"
		require.Equal(t, taxonomy.DefaultTopics, tax.Topics())
		require.NotContains(t, taxonomy.DefaultTopics, "changed")
	})
	t.Run("MustNew panics on a bad list", func(t *testing.T) {
		t.Parallel()
		require.Panics(t, func() { taxonomy.MustNew([]string{"Bad Topic"}) })
		require.NotPanics(t, func() { taxonomy.MustNew([]string{"good_topic"}) })
	})
	t.Run("DefaultTopics contains other", func(t *testing.T) {
		t.Parallel()
		require.Contains(t, taxonomy.DefaultTopics, taxonomy.TopicOther)
		require.Equal(t, taxonomy.DefaultTopics, taxonomy.Default().Topics())
	})
}

func TestParse(t *testing.T) {
	t.Parallel()

	tax := taxonomy.Default()

	t.Run("valid answer", func(t *testing.T) {
		t.Parallel()
		c, err := tax.Parse(marshal(t, validAnswer()))
		require.NoError(t, err)
		require.Equal(t, validClassification(), c)
	})
	t.Run("round trip through JSON", func(t *testing.T) {
		t.Parallel()
		want := validClassification()
		want.Risk, want.Severity, want.Sarcasm, want.Language = taxonomy.RiskScam, taxonomy.SeverityCritical, true, "und"
		c, err := tax.Parse(marshal(t, want))
		require.NoError(t, err)
		require.Equal(t, want, c)
	})
	t.Run("surrounding white space", func(t *testing.T) {
		t.Parallel()
		_, err := tax.Parse(append(append([]byte("\n  "), marshal(t, validAnswer())...), " \n\t"...))
		require.NoError(t, err)
	})
}

func TestParseInvalid(t *testing.T) {
	t.Parallel()

	tax := taxonomy.Default()
	with := func(change func(m map[string]any)) func(t *testing.T) []byte {
		return func(t *testing.T) []byte {
			m := validAnswer()
			change(m)
			return marshal(t, m)
		}
	}
	set := func(key string, v any) func(t *testing.T) []byte {
		return with(func(m map[string]any) { m[key] = v })
	}
	setConf := func(key string, v any) func(t *testing.T) []byte {
		return with(func(m map[string]any) { m["confidence"].(map[string]any)[key] = v })
	}
	raw := func(s string) func(t *testing.T) []byte {
		return func(*testing.T) []byte { return []byte(s) }
	}
	valid := string(marshal(t, validAnswer()))
	confidenceNaN := strings.Replace(valid, `"intent":0.9`, `"intent":NaN`, 1)
	require.NotEqual(t, valid, confidenceNaN)

	type testCase struct {
		name   string
		answer func(t *testing.T) []byte
		fields []string // every Problem.Field, in order
		inMsg  string   // part of the first problem's message
	}
	tests := []testCase{
		{name: "unknown key", answer: set("reason", "because"), fields: []string{"reason"}, inMsg: "unknown field"},
		{name: "unknown intent", answer: set("intent", "question"), fields: []string{"intent"}, inMsg: `"question"`},
		{name: "unknown topic", answer: set("topic", "weather"), fields: []string{"topic"}, inMsg: "billing"},
		{name: "unknown urgency", answer: set("urgency", "asap"), fields: []string{"urgency"}},
		{name: "unknown sentiment", answer: set("sentiment", "mixed"), fields: []string{"sentiment"}},
		{name: "unknown risk", answer: set("risk", "fraud"), fields: []string{"risk"}},
		{name: "unknown severity", answer: set("severity", "severe"), fields: []string{"severity"}},
		{name: "empty label", answer: set("intent", ""), fields: []string{"intent"}},
		{name: "language name", answer: set("language", "english"), fields: []string{"language"}, inMsg: "ISO 639-1"},
		{name: "language with region", answer: set("language", "en-US"), fields: []string{"language"}},
		{name: "ISO 639-2 language", answer: set("language", "eng"), fields: []string{"language"}},
		{name: "empty language", answer: set("language", ""), fields: []string{"language"}},
		{name: "empty summary", answer: set("summary", ""), fields: []string{"summary"}, inMsg: "empty"},
		{name: "blank summary", answer: set("summary", " \n\t "), fields: []string{"summary"}, inMsg: "empty"},
		{name: "summary too long", answer: set("summary", strings.Repeat("a", taxonomy.MaxSummaryLen+1)), fields: []string{"summary"}, inMsg: "501 bytes"},
		{name: "confidence above one", answer: setConf("intent", 1.01), fields: []string{"confidence.intent"}, inMsg: "outside [0,1]"},
		{name: "confidence below zero", answer: setConf("risk", -0.1), fields: []string{"confidence.risk"}, inMsg: "outside [0,1]"},
		{name: "confidence as percentage", answer: setConf("language", 95), fields: []string{"confidence.language"}},
		{name: "confidence NaN literal", answer: raw(confidenceNaN), fields: []string{"$"}},
		{name: "confidence NaN string", answer: setConf("intent", "NaN"), fields: []string{"confidence"}, inMsg: "want a number"},
		{name: "confidence Infinity string", answer: setConf("intent", "Infinity"), fields: []string{"confidence"}, inMsg: "want a number"},
		{name: "confidence overflowing float64", answer: raw(strings.Replace(valid, `"intent":0.9`, `"intent":1e999`, 1)), fields: []string{"confidence"}, inMsg: "1e999"},
		{name: "confidence null", answer: setConf("topic", nil), fields: []string{"confidence.topic"}, inMsg: "missing"},
		{name: "confidence field missing", answer: with(func(m map[string]any) { delete(m["confidence"].(map[string]any), "topic") }), fields: []string{"confidence.topic"}, inMsg: "missing"},
		{name: "unknown confidence field", answer: setConf("summary", 0.5), fields: []string{"confidence.summary"}, inMsg: "unknown field"},
		{name: "confidence not an object", answer: set("confidence", 0.9), fields: []string{"confidence"}, inMsg: "got a JSON number"},
		{name: "confidence null object", answer: set("confidence", nil), fields: []string{"confidence"}, inMsg: "missing"},
		{name: "sarcasm as string", answer: set("sarcasm", "false"), fields: []string{"sarcasm"}, inMsg: "got a JSON string, want a bool"},
		{name: "label as number", answer: set("urgency", 3), fields: []string{"urgency"}, inMsg: "got a JSON number, want a string"},
		{name: "malformed JSON", answer: raw(`{"intent": "support_issue",`), fields: []string{"$"}, inMsg: "not a JSON object"},
		{name: "empty input", answer: raw(""), fields: []string{"$"}},
		{name: "array", answer: raw(`[` + valid + `]`), fields: []string{"$"}},
		{name: "string", answer: raw(`"support_issue"`), fields: []string{"$"}},
		{name: "markdown fence", answer: raw("```json\n" + valid + "\n```"), fields: []string{"$"}},
		{name: "trailing object", answer: raw(valid + `{}`), fields: []string{"$"}, inMsg: "trailing data"},
		{name: "trailing text", answer: raw(valid + ` done`), fields: []string{"$"}, inMsg: "trailing data"},
		{name: "trailing number", answer: raw(valid + ` 1`), fields: []string{"$"}, inMsg: "trailing data"},
		{name: "trailing closing brace", answer: raw(valid + `}`), fields: []string{"$"}, inMsg: "trailing data"},
		{name: "trailing closing bracket", answer: raw(valid + `]`), fields: []string{"$"}, inMsg: "trailing data"},
		{
			name: "several problems reported together",
			answer: with(func(m map[string]any) {
				m["intent"] = "question"
				delete(m, "summary")
				m["confidence"].(map[string]any)["risk"] = nil
			}),
			fields: []string{"intent", "summary", "confidence.risk"},
		},
		{
			name:   "null object reports every key",
			answer: raw(`null`),
			fields: []string{"intent", "topic", "urgency", "sentiment", "risk", "severity", "language", "sarcasm", "summary", "confidence"},
		},
	}
	for _, key := range []string{"intent", "topic", "urgency", "sentiment", "sarcasm", "risk", "severity", "language", "summary", "confidence"} {
		tests = append(tests, testCase{
			name:   "missing " + key,
			answer: with(func(m map[string]any) { delete(m, key) }),
			fields: []string{key},
			inMsg:  "missing",
		})
		if key != "summary" && key != "confidence" {
			tests = append(tests, testCase{name: "null " + key, answer: set(key, nil), fields: []string{key}, inMsg: "missing"})
		}
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tax.Parse(tt.answer(t))
			require.Equal(t, tt.fields, problemFields(t, err), "error: %v", err)
			var verr *taxonomy.ValidationError
			require.ErrorAs(t, err, &verr)
			require.Contains(t, verr.Problems[0].Message, tt.inMsg)
			require.NotContains(t, err.Error(), "\n")
		})
	}
}

func TestParseNormalizes(t *testing.T) {
	t.Parallel()

	tax := taxonomy.Default()
	tests := []struct {
		name   string
		change func(m map[string]any)
		check  func(t *testing.T, c taxonomy.Classification)
	}{
		{
			name: "upper-case and padded labels",
			change: func(m map[string]any) {
				m["intent"], m["topic"], m["urgency"], m["sentiment"] = " Support_Issue", "BILLING ", "\tHigh\n", "Negative"
				m["risk"], m["severity"], m["language"] = " NONE ", "LOW", " EN "
			},
			check: func(t *testing.T, c taxonomy.Classification) { require.Equal(t, validClassification(), c) },
		},
		{
			name:   "upper-case undetermined language",
			change: func(m map[string]any) { m["language"] = "UND" },
			check: func(t *testing.T, c taxonomy.Classification) {
				require.Equal(t, taxonomy.LanguageUndetermined, c.Language)
			},
		},
		{
			name:   "summary trimmed",
			change: func(m map[string]any) { m["summary"] = "  A double charge.\n" },
			check:  func(t *testing.T, c taxonomy.Classification) { require.Equal(t, "A double charge.", c.Summary) },
		},
		{
			name:   "summary of the maximum length after trimming",
			change: func(m map[string]any) { m["summary"] = " " + strings.Repeat("a", taxonomy.MaxSummaryLen) + " " },
			check:  func(t *testing.T, c taxonomy.Classification) { require.Len(t, c.Summary, taxonomy.MaxSummaryLen) },
		},
		{
			name:   "severity lowered when risk is none",
			change: func(m map[string]any) { m["risk"], m["severity"] = "none", "critical" },
			check:  func(t *testing.T, c taxonomy.Classification) { require.Equal(t, taxonomy.SeverityLow, c.Severity) },
		},
		{
			name:   "severity kept when there is a risk",
			change: func(m map[string]any) { m["risk"], m["severity"] = "threat", "critical" },
			check: func(t *testing.T, c taxonomy.Classification) {
				require.Equal(t, taxonomy.RiskThreat, c.Risk)
				require.Equal(t, taxonomy.SeverityCritical, c.Severity)
			},
		},
		{
			name: "confidence bounds are inclusive",
			change: func(m map[string]any) {
				conf := m["confidence"].(map[string]any)
				conf["intent"], conf["topic"] = 0, 1
			},
			check: func(t *testing.T, c taxonomy.Classification) {
				require.Zero(t, c.Confidence.Intent)
				require.Equal(t, 1.0, c.Confidence.Topic)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := validAnswer()
			tt.change(m)
			c, err := tax.Parse(marshal(t, m))
			require.NoError(t, err)
			tt.check(t, c)
			require.NoError(t, tax.Validate(c), "Parse must return what Validate accepts")
		})
	}
}

func TestParseCustomTopics(t *testing.T) {
	t.Parallel()

	tax := taxonomy.MustNew([]string{"sync", "pricing"})
	tests := []struct {
		topic string
		ok    bool
	}{
		{"sync", true},
		{"pricing", true},
		{"other", true},
		{"billing", false}, // a default topic, not configured here
	}
	for _, tt := range tests {
		t.Run(tt.topic, func(t *testing.T) {
			t.Parallel()
			m := validAnswer()
			m["topic"] = tt.topic
			c, err := tax.Parse(marshal(t, m))
			if !tt.ok {
				require.Equal(t, []string{"topic"}, problemFields(t, err))
				require.Contains(t, err.Error(), "sync, pricing, other")
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.topic, c.Topic)
		})
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()

	tax := taxonomy.Default()
	tests := []struct {
		name   string
		change func(c *taxonomy.Classification)
		fields []string // nil when valid
	}{
		{name: "valid", change: func(*taxonomy.Classification) {}},
		{name: "undetermined language", change: func(c *taxonomy.Classification) { c.Language = "und" }},
		{name: "summary of the maximum length", change: func(c *taxonomy.Classification) { c.Summary = strings.Repeat("é", taxonomy.MaxSummaryLen/2) }},
		{name: "risk with any severity", change: func(c *taxonomy.Classification) { c.Risk, c.Severity = taxonomy.RiskLegal, taxonomy.SeverityHigh }},
		{name: "unknown intent", change: func(c *taxonomy.Classification) { c.Intent = "question" }, fields: []string{"intent"}},
		{name: "upper-case intent", change: func(c *taxonomy.Classification) { c.Intent = "SUPPORT_ISSUE" }, fields: []string{"intent"}},
		{name: "unknown topic", change: func(c *taxonomy.Classification) { c.Topic = "weather" }, fields: []string{"topic"}},
		{name: "unknown urgency", change: func(c *taxonomy.Classification) { c.Urgency = "whenever" }, fields: []string{"urgency"}},
		{name: "unknown sentiment", change: func(c *taxonomy.Classification) { c.Sentiment = "angry" }, fields: []string{"sentiment"}},
		{name: "unknown risk", change: func(c *taxonomy.Classification) { c.Risk = "fraud" }, fields: []string{"risk"}},
		{name: "unknown severity", change: func(c *taxonomy.Classification) { c.Risk, c.Severity = taxonomy.RiskSpam, "extreme" }, fields: []string{"severity"}},
		{name: "severity without risk", change: func(c *taxonomy.Classification) { c.Severity = taxonomy.SeverityHigh }, fields: []string{"severity"}},
		{name: "bad language", change: func(c *taxonomy.Classification) { c.Language = "xx" }, fields: []string{"language"}},
		{name: "upper-case language", change: func(c *taxonomy.Classification) { c.Language = "EN" }, fields: []string{"language"}},
		{name: "NaN confidence", change: func(c *taxonomy.Classification) { c.Confidence.Topic = math.NaN() }, fields: []string{"confidence.topic"}},
		{name: "infinite confidence", change: func(c *taxonomy.Classification) { c.Confidence.Sarcasm = math.Inf(1) }, fields: []string{"confidence.sarcasm"}},
		{name: "negative infinite confidence", change: func(c *taxonomy.Classification) { c.Confidence.Sarcasm = math.Inf(-1) }, fields: []string{"confidence.sarcasm"}},
		{name: "negative confidence", change: func(c *taxonomy.Classification) { c.Confidence.Language = -0.01 }, fields: []string{"confidence.language"}},
		{name: "confidence above one", change: func(c *taxonomy.Classification) { c.Confidence.Severity = 1.5 }, fields: []string{"confidence.severity"}},
		{name: "empty summary", change: func(c *taxonomy.Classification) { c.Summary = "" }, fields: []string{"summary"}},
		{name: "summary too long", change: func(c *taxonomy.Classification) { c.Summary = strings.Repeat("é", taxonomy.MaxSummaryLen/2+1) }, fields: []string{"summary"}},
		{name: "summary not UTF-8", change: func(c *taxonomy.Classification) { c.Summary = "caf\xe9" }, fields: []string{"summary"}},
		{
			name:   "every problem listed",
			change: func(c *taxonomy.Classification) { c.Intent, c.Confidence.Intent, c.Summary = "", 2, "" },
			fields: []string{"intent", "confidence.intent", "summary"},
		},
		{
			name:   "zero value",
			change: func(c *taxonomy.Classification) { *c = taxonomy.Classification{} },
			fields: []string{"intent", "topic", "urgency", "sentiment", "risk", "severity", "language", "summary"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := validClassification()
			tt.change(&c)
			err := tax.Validate(c)
			if tt.fields == nil {
				require.NoError(t, err)
				return
			}
			require.Equal(t, tt.fields, problemFields(t, err), "error: %v", err)
		})
	}
}

func TestValidationError(t *testing.T) {
	t.Parallel()

	err := &taxonomy.ValidationError{Problems: []taxonomy.Problem{
		{Field: "intent", Message: "missing"},
		{Field: "confidence.risk", Message: "2 is outside [0,1]"},
	}}
	tests := []struct {
		name string
		err  error
		is   bool
	}{
		{name: "itself", err: err, is: true},
		{name: "wrapped", err: fmt.Errorf("classify item 7: %w", err), is: true},
		{name: "other error", err: errors.New("invalid classification"), is: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.is, errors.Is(tt.err, taxonomy.ErrInvalid))
		})
	}
	t.Run("message lists every problem", func(t *testing.T) {
		t.Parallel()
		require.Equal(t, "invalid classification: intent: missing; confidence.risk: 2 is outside [0,1]", err.Error())
	})
	t.Run("problems encode with snake_case keys", func(t *testing.T) {
		t.Parallel()
		require.JSONEq(t, `{"field":"intent","message":"missing"}`, string(marshal(t, err.Problems[0])))
	})
}

func TestSchema(t *testing.T) {
	t.Parallel()

	taxonomies := map[string]*taxonomy.Taxonomy{
		"default": taxonomy.Default(),
		"custom":  taxonomy.MustNew([]string{"sync", "pricing"}),
	}
	for name, tax := range taxonomies {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			schema := tax.Schema()
			props := schema["properties"].(map[string]any)

			t.Run("every key of Classification required", func(t *testing.T) {
				t.Parallel()
				var keys map[string]any
				require.NoError(t, json.Unmarshal(marshal(t, validClassification()), &keys))
				require.ElementsMatch(t, slices.Collect(maps.Keys(keys)), schema["required"])
				require.ElementsMatch(t, slices.Collect(maps.Keys(keys)), slices.Collect(maps.Keys(props)))
				require.Equal(t, false, schema["additionalProperties"])
			})
			t.Run("confidence lists every field", func(t *testing.T) {
				t.Parallel()
				conf := props["confidence"].(map[string]any)
				var fields []string
				for _, f := range taxonomy.Fields {
					fields = append(fields, string(f))
				}
				require.ElementsMatch(t, fields, conf["required"])
				require.ElementsMatch(t, fields, slices.Collect(maps.Keys(conf["properties"].(map[string]any))))
				require.Equal(t, false, conf["additionalProperties"])
				for _, f := range fields {
					require.Equal(t, "number", conf["properties"].(map[string]any)[f].(map[string]any)["type"])
				}
			})
			t.Run("enums are the label sets", func(t *testing.T) {
				t.Parallel()
				require.Equal(t, tax.Topics(), props["topic"].(map[string]any)["enum"])
				for _, f := range taxonomy.Fields {
					labels := tax.Labels(f)
					if labels == nil || f == taxonomy.FieldSarcasm {
						continue // language is checked by Parse; sarcasm is a boolean
					}
					require.Equal(t, labels, props[string(f)].(map[string]any)["enum"], "field %s", f)
				}
				require.Equal(t, "boolean", props["sarcasm"].(map[string]any)["type"])
			})
			t.Run("strict structured outputs subset", func(t *testing.T) {
				t.Parallel()
				requireStrict(t, "$", schema)
			})
			t.Run("JSON encodable", func(t *testing.T) {
				t.Parallel()
				b, err := json.Marshal(schema)
				require.NoError(t, err)
				require.JSONEq(t, string(b), string(tax.SchemaJSON()))
				var decoded map[string]any
				require.NoError(t, json.Unmarshal(tax.SchemaJSON(), &decoded))
				requireStrict(t, "$", decoded)
			})
			t.Run("independent of later changes", func(t *testing.T) {
				t.Parallel()
				s := tax.Schema()
				s["properties"].(map[string]any)["topic"].(map[string]any)["enum"].([]string)[0] = "changed"
				require.NotContains(t, tax.Topics(), "changed")
			})
		})
	}
}

// requireStrict checks the rules of OpenAI's strict structured outputs for
// the node at path: every node has a type, every object lists all of its
// properties in required and sets additionalProperties to false, and enums
// are non-empty lists of distinct strings.
func requireStrict(t *testing.T, path string, node map[string]any) {
	t.Helper()
	require.NotEmpty(t, node["type"], "%s: no type", path)
	if enum, ok := node["enum"]; ok {
		values := toStrings(t, enum)
		require.NotEmpty(t, values, "%s: empty enum", path)
		require.Len(t, slices.Compact(slices.Sorted(slices.Values(values))), len(values), "%s: repeated enum value", path)
	}
	if node["type"] != "object" {
		return
	}
	require.Equal(t, false, node["additionalProperties"], "%s: additionalProperties", path)
	props, ok := node["properties"].(map[string]any)
	require.True(t, ok, "%s: no properties", path)
	require.ElementsMatch(t, slices.Collect(maps.Keys(props)), toStrings(t, node["required"]), "%s: required must list every property", path)
	for name, p := range props {
		child, ok := p.(map[string]any)
		require.True(t, ok, "%s.%s: not a schema object", path, name)
		requireStrict(t, path+"."+name, child)
	}
}

// toStrings accepts the []string of Schema and the []any of decoded JSON.
func toStrings(t *testing.T, v any) []string {
	t.Helper()
	switch v := v.(type) {
	case []string:
		return v
	case []any:
		out := make([]string, len(v))
		for i, e := range v {
			s, ok := e.(string)
			require.True(t, ok, "%v is not a string", e)
			out[i] = s
		}
		return out
	}
	require.Failf(t, "not a list of strings", "%T", v)
	return nil
}

func TestLabels(t *testing.T) {
	t.Parallel()

	tax := taxonomy.MustNew([]string{"sync", "pricing"})
	for _, f := range taxonomy.Fields {
		labels := tax.Labels(f)
		if f == taxonomy.FieldLanguage {
			require.Nil(t, labels, "language has no closed label set")
			labels = []string{"en", "fr", "zh", "und"}
		}
		for _, label := range labels {
			t.Run(string(f)+"="+label, func(t *testing.T) {
				t.Parallel()
				m := validAnswer()
				m["topic"] = "sync"
				m["risk"], m["severity"] = "spam", "medium" // so that every severity stands
				if f == taxonomy.FieldSarcasm {
					m[string(f)] = label == "true"
				} else {
					m[string(f)] = label
				}
				if f == taxonomy.FieldRisk && label == "none" {
					m["severity"] = "low"
				}
				c, err := tax.Parse(marshal(t, m))
				require.NoError(t, err)
				got, ok := c.Label(f)
				require.True(t, ok)
				require.Equal(t, label, got)
				require.NoError(t, tax.Validate(c))
			})
		}
	}

	t.Run("fixed label sets", func(t *testing.T) {
		t.Parallel()
		require.Equal(t, []string{"support_issue", "product_feedback", "risk_signal", "engagement", "noise"}, tax.Labels(taxonomy.FieldIntent))
		require.Equal(t, []string{"low", "normal", "high", "critical"}, tax.Labels(taxonomy.FieldUrgency))
		require.Equal(t, []string{"negative", "neutral", "positive"}, tax.Labels(taxonomy.FieldSentiment))
		require.Equal(t, []string{"false", "true"}, tax.Labels(taxonomy.FieldSarcasm))
		require.Equal(t, []string{"low", "medium", "high", "critical"}, tax.Labels(taxonomy.FieldSeverity))
		require.Len(t, tax.Labels(taxonomy.FieldRisk), len(taxonomy.Risks))
		require.Equal(t, "none", tax.Labels(taxonomy.FieldRisk)[0])
	})
	t.Run("unknown field", func(t *testing.T) {
		t.Parallel()
		require.Nil(t, tax.Labels("summary"))
		c := validClassification()
		got, ok := c.Label("summary")
		require.False(t, ok)
		require.Empty(t, got)
	})
	t.Run("Fields are the confidence keys", func(t *testing.T) {
		t.Parallel()
		var conf map[string]float64
		require.NoError(t, json.Unmarshal(marshal(t, taxonomy.Confidence{}), &conf))
		require.Len(t, conf, len(taxonomy.Fields))
		for _, f := range taxonomy.Fields {
			require.Contains(t, conf, string(f))
		}
	})
}

func TestConfidence(t *testing.T) {
	t.Parallel()

	for i, f := range taxonomy.Fields {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			var c taxonomy.Confidence
			v := float64(i+1) / 10
			c.Set(f, v)
			require.Equal(t, v, c.Of(f))
			var others float64
			for _, g := range taxonomy.Fields {
				if g != f {
					others += c.Of(g)
				}
			}
			require.Zero(t, others, "Set(%s) changed another field", f)
		})
	}
	t.Run("unknown field", func(t *testing.T) {
		t.Parallel()
		c := taxonomy.Confidence{Intent: 0.5}
		c.Set("summary", 0.9)
		require.Equal(t, taxonomy.Confidence{Intent: 0.5}, c)
		require.Zero(t, c.Of("summary"))
	})
}

func TestValidLanguage(t *testing.T) {
	t.Parallel()

	tests := []struct {
		code string
		ok   bool
	}{
		{"en", true}, {"fr", true}, {"zh", true}, {"aa", true}, {"zu", true}, {"und", true},
		{"", false}, {"EN", false}, {"xx", false}, {"eng", false}, {"en-US", false}, {"en ", false}, {"UND", false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.ok, taxonomy.ValidLanguage(tt.code))
		})
	}
}
