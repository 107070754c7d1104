// Package eval measures a classifier against labelled eval sets.
//
// An eval set is JSONL, one item per line:
//
//	{"id":"core-0001","text":"...","channel":"x","expected":{"intent":"support_issue","sarcasm":false}}
//
// Expected keys are taxonomy field names with the right label, or
// "field=label" keys with a boolean: a one-vs-rest expectation that the
// item does (true) or does not (false) carry that label, for public sets
// that annotate only one thing; "risk=spam|scam" accepts either label as
// the positive class. Only the fields present are scored.
//
// [Run] classifies every item with bounded concurrency and returns one
// [Prediction] per item; [Score] turns predictions into a [Report]: per
// field accuracy and macro-F1, per label precision, recall, F1 and support,
// and a confusion matrix; per one-vs-rest key, binary precision, recall and
// F1. [Evaluate] adds usage, cost, failures, abstentions and calibration
// ([Calibrate]: per-field expected calibration error and reliability
// tables) into a [Result] with every item's [Outcome].
//
// [Compare] pairs two runs' outcomes by id: per-key deltas with paired
// bootstrap intervals, McNemar's exact test, per-label deltas and the
// flipped items, as Markdown, HTML or JSON. A [Baseline] turns a run into a
// CI gate on per-field macro-F1.
package eval
