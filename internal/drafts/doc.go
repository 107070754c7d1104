// Package drafts writes the replies reviewers approve, and enforces that
// nothing is sent without an approval.
//
// For an item that deserves a reply (see [Deserves]: not noise, not spam,
// not a risk that must be escalated), a draft job retrieves knowledge-base
// passages and asks a writer for a reply that cites the passages it used:
// an LLM with the prompt prompts/draft/vN.md, or, offline, the extractive
// writer that quotes the best passage in a reply template (marked as such).
// [Check] flags, for the reviewer, a draft that cites nothing retrieved,
// links to a URL no passage has, or promises what policy forbids (refunds,
// dates, legal statements).
//
// The approval state machine:
//
//	pending_review -> approved | edited (approved with changes) | rejected (with a reason)
//	approved, edited -> sent | send_failed
//
// Every action names the draft version it saw (optimistic concurrency: of
// two reviewers acting on one draft, exactly one wins, the other gets a
// conflict), and is written to the audit trail with the text before and
// after and their edit distance. Only the send job moves a draft to sent,
// and it only picks approved or edited drafts.
package drafts
