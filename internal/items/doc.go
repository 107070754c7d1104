// Package items owns the item: one message from one channel, from the moment
// it is received to its resolution. It defines the item and its states,
// validates what ingestion hands it, normalizes text for duplicate
// detection, and stores items with their full state history in PostgreSQL.
//
// Every change of state goes through [Store.Transition], which checks the
// state the caller expects, updates the item and appends an event in the
// same statement batch, so the history always explains the current state
// and every dashboard number can be recomputed from it.
package items
