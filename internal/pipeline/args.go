package pipeline

import (
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// QueueTriage is the River queue of triage jobs.
const QueueTriage = "triage"

// QueueMaintenance is the River queue of periodic housekeeping jobs.
const QueueMaintenance = "maintenance"

// TriageArgs is the job that triages one item.
type TriageArgs struct {
	ItemID int64 `json:"item_id"`
}

// Kind is the River job kind.
func (TriageArgs) Kind() string { return "triage" }

// InsertOpts puts triage jobs on their queue, one live job per item.
func (TriageArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue: QueueTriage,
		UniqueOpts: river.UniqueOpts{
			ByArgs: true,
			// Not completed: an item may be triaged again later (after an
			// edit); only concurrent live jobs are refused.
			ByState: []rivertype.JobState{
				rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
				rivertype.JobStateRunning, rivertype.JobStateScheduled,
			},
		},
	}
}

// RescueArgs is the periodic job that finds items stranded in state
// received without a live triage job and enqueues them again.
type RescueArgs struct{}

// Kind is the River job kind.
func (RescueArgs) Kind() string { return "triage_rescue" }

// InsertOpts puts rescue jobs on the maintenance queue.
func (RescueArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueMaintenance}
}
