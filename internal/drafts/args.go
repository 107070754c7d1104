package drafts

import (
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// QueueDrafts is the River queue of draft and send jobs.
const QueueDrafts = "drafts"

// liveStates are the job states in which a second job for the same args is
// refused.
var liveStates = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
	rivertype.JobStateRunning, rivertype.JobStateScheduled,
}

// DraftArgs is the job that drafts a reply to one item.
type DraftArgs struct {
	ItemID int64 `json:"item_id"`
}

// Kind is the River job kind.
func (DraftArgs) Kind() string { return "draft" }

// DraftMaxAttempts bounds a draft job; the last failed attempt hands the
// item to a human.
const DraftMaxAttempts = 6

// InsertOpts puts draft jobs on their queue, one live job per item.
func (DraftArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueDrafts, MaxAttempts: DraftMaxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: liveStates}}
}

// SendArgs is the job that delivers one approved draft.
type SendArgs struct {
	DraftID int64 `json:"draft_id"`
}

// Kind is the River job kind.
func (SendArgs) Kind() string { return "send_reply" }

// InsertOpts puts send jobs on the drafts queue, one live job per draft.
func (SendArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueDrafts, MaxAttempts: 8, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: liveStates}}
}
