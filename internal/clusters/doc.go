// Package clusters groups near-duplicate items so that a surge costs one
// classification, not hundreds, and becomes one incident instead of
// hundreds of tickets.
//
// Each triaged item's text is embedded and compared (pgvector, cosine) with
// the recent classified items of the same channel family. Above a
// similarity threshold the item joins the nearest one's cluster and
// inherits its classification without a model call. A cluster that grows
// faster than its baseline (Config.IncidentSize items within
// Config.IncidentWindow) opens an incident: routed as one unit, answered
// with one approved reply sent to every member, and closed as one.
package clusters
