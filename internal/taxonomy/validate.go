package taxonomy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"
)

// wire mirrors Classification with pointers, so that a missing key is told
// apart from a zero value.
type wire struct {
	Intent     *string             `json:"intent"`
	Topic      *string             `json:"topic"`
	Urgency    *string             `json:"urgency"`
	Sentiment  *string             `json:"sentiment"`
	Sarcasm    *bool               `json:"sarcasm"`
	Risk       *string             `json:"risk"`
	Severity   *string             `json:"severity"`
	Language   *string             `json:"language"`
	Summary    *string             `json:"summary"`
	Confidence map[string]*float64 `json:"confidence"`
}

// Parse decodes a model's JSON answer and validates it. It accepts exactly
// one JSON object with the keys of [Classification]; unknown keys, missing
// keys, labels outside the taxonomy and confidences outside [0,1] are all
// reported together in a *[ValidationError]. Malformed JSON is reported as a
// *ValidationError with field "$".
//
// Two normalizations are applied rather than rejected, because models make
// them often and they carry no ambiguity: labels are lower-cased and
// trimmed, and a severity other than low on an item with risk "none" is
// lowered to low.
func (t *Taxonomy) Parse(data []byte) (Classification, error) {
	var w wire
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return Classification{}, &ValidationError{Problems: []Problem{decodeProblem(err)}}
	}
	if _, err := dec.Token(); err != io.EOF {
		return Classification{}, &ValidationError{Problems: []Problem{{Field: "$", Message: "trailing data after the JSON object"}}}
	}
	var ps problems
	c := Classification{
		Intent:    Intent(ps.label(t, FieldIntent, w.Intent)),
		Topic:     ps.label(t, FieldTopic, w.Topic),
		Urgency:   Urgency(ps.label(t, FieldUrgency, w.Urgency)),
		Sentiment: Sentiment(ps.label(t, FieldSentiment, w.Sentiment)),
		Risk:      Risk(ps.label(t, FieldRisk, w.Risk)),
		Severity:  Severity(ps.label(t, FieldSeverity, w.Severity)),
		Language:  ps.label(t, FieldLanguage, w.Language),
	}
	if w.Sarcasm == nil {
		ps.add("sarcasm", "missing")
	} else {
		c.Sarcasm = *w.Sarcasm
	}
	if w.Summary == nil {
		ps.add("summary", "missing")
	} else {
		c.Summary = strings.TrimSpace(*w.Summary)
	}
	ps.confidences(&c.Confidence, w.Confidence)
	if c.Risk == RiskNone {
		c.Severity = SeverityLow
	}
	ps.values(c, w.Summary != nil)
	if len(ps) > 0 {
		return Classification{}, &ValidationError{Problems: ps}
	}
	return c, nil
}

// Validate checks that every label of c belongs to the taxonomy, every
// confidence is in [0,1] and the summary is short, valid UTF-8. It returns a
// *[ValidationError] listing every problem.
func (t *Taxonomy) Validate(c Classification) error {
	var ps problems
	for _, f := range Fields {
		v, _ := c.Label(f)
		ps.check(t, f, v)
	}
	ps.values(c, true)
	if len(ps) > 0 {
		return &ValidationError{Problems: ps}
	}
	return nil
}

// values checks what labels alone do not: confidence ranges, the
// severity rule and the summary (when present).
func (ps *problems) values(c Classification, summary bool) {
	for _, f := range Fields {
		if conf := c.Confidence.Of(f); math.IsNaN(conf) || conf < 0 || conf > 1 {
			ps.add("confidence."+string(f), fmt.Sprintf("%v is outside [0,1]", conf))
		}
	}
	if c.Risk == RiskNone && c.Severity != SeverityLow {
		ps.add("severity", `must be "low" when risk is "none"`)
	}
	switch {
	case !summary:
	case c.Summary == "":
		ps.add("summary", "empty")
	case len(c.Summary) > MaxSummaryLen:
		ps.add("summary", fmt.Sprintf("%d bytes, at most %d allowed", len(c.Summary), MaxSummaryLen))
	case !utf8.ValidString(c.Summary):
		ps.add("summary", "not valid UTF-8")
	}
}

type problems []Problem

func (ps *problems) add(field, msg string) { *ps = append(*ps, Problem{Field: field, Message: msg}) }

// label normalizes a decoded label and checks it, returning "" when absent.
func (ps *problems) label(t *Taxonomy, f Field, v *string) string {
	if v == nil {
		ps.add(string(f), "missing")
		return ""
	}
	s := strings.ToLower(strings.TrimSpace(*v))
	ps.check(t, f, s)
	return s
}

func (ps *problems) check(t *Taxonomy, f Field, v string) {
	if f == FieldLanguage {
		if !ValidLanguage(v) {
			ps.add(string(f), fmt.Sprintf("%q is not an ISO 639-1 code (or %q)", v, LanguageUndetermined))
		}
		return
	}
	if labels := t.Labels(f); !slices.Contains(labels, v) {
		ps.add(string(f), fmt.Sprintf("%q is not one of %s", v, strings.Join(labels, ", ")))
	}
}

func (ps *problems) confidences(dst *Confidence, src map[string]*float64) {
	if src == nil {
		ps.add("confidence", "missing")
		return
	}
	for k := range src {
		if !slices.Contains(Fields, Field(k)) {
			ps.add("confidence."+k, "unknown field")
		}
	}
	for _, f := range Fields {
		v := src[string(f)]
		if v == nil {
			ps.add("confidence."+string(f), "missing")
			continue
		}
		dst.Set(f, *v)
	}
}

// decodeProblem describes a JSON decoding error without Go type names.
func decodeProblem(err error) Problem {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		field := typ.Field
		if field == "" {
			field = "$"
		}
		return Problem{Field: field, Message: fmt.Sprintf("got a JSON %s, want %s", typ.Value, jsonKind(typ.Type))}
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return Problem{Field: strings.Trim(f, `"`), Message: "unknown field"}
	}
	return Problem{Field: "$", Message: "not a JSON object of the schema: " + err.Error()}
}

// jsonKind names the JSON type that decodes into t.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "a boolean"
	case reflect.String:
		return "a string"
	case reflect.Float64, reflect.Float32, reflect.Int:
		return "a number"
	}
	return "an object"
}
