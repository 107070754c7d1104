// Package classify turns an item into a validated [taxonomy.Classification].
//
// [LLM] renders the active prompt version with the item as delimited data,
// asks a model for JSON that fills the taxonomy's schema, and validates the
// answer; output that does not validate gets one repair attempt (the model
// sees its answer and the problems found), after which the item is handed to
// a human ([ErrInvalidOutput]). Every call, good or bad, is recorded through
// a [Recorder].
//
// [Store] keeps classifications in PostgreSQL with how they were made:
// prompt version and hash, backend, model, latency, tokens, calls.
package classify
