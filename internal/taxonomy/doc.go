// Package taxonomy defines the labels Triage puts on every item: intent,
// topic, urgency, sentiment, sarcasm, risk with its severity, language and a
// one-line summary, each with a confidence in [0,1].
//
// The taxonomy is defined once, here, and everything else derives from it:
// the JSON schema a model must fill ([Schema]), the validation applied to
// whatever a model returns ([Taxonomy.Validate]), the eval harness's label
// sets and the local model's output heads.
//
// Topics are configurable per deployment ([New]); every other label set is
// fixed, because routing rules, auto-closure policy and dashboards depend on
// them.
package taxonomy
