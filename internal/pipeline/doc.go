// Package pipeline moves items through triage on River: [Ingester] stores
// items and enqueues their triage jobs in one transaction, [TriageWorker]
// normalizes, drops exact duplicates, classifies and records the outcome,
// and [RescueWorker] periodically re-enqueues any item left without a job.
//
// Guarantees:
//   - no item without a job and no job without an item (same transaction);
//   - a redelivered item (same channel and external_id) creates nothing;
//   - a job runs its effects at most once: the classification, the state
//     change and the job's completion commit together, and a job that finds
//     its item already handled does nothing;
//   - every item ends classified, a duplicate, or in needs_human with a
//     reason: transient model errors retry with backoff (429s wait for the
//     backend's Retry-After without spending attempts), and the last attempt
//     hands the item to a human instead of failing.
package pipeline
