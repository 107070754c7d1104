package drafts

import (
	"encoding/json"
	"time"
)

// State is where a draft stands.
type State string

// States.
const (
	StatePendingReview State = "pending_review"
	StateApproved      State = "approved"
	StateEdited        State = "edited" // approved with changes
	StateRejected      State = "rejected"
	StateSent          State = "sent"
	StateSendFailed    State = "send_failed"
)

// Approved reports whether a draft in state s may be sent.
func (s State) Approved() bool { return s == StateApproved || s == StateEdited }

// Passage is a knowledge-base passage a draft was written from, as the
// reviewer sees it.
type Passage struct {
	N          int     `json:"n"` // the number the draft cites it by, from 1
	ChunkID    int64   `json:"chunk_id"`
	DocumentID string  `json:"document_id"`
	Title      string  `json:"title"`
	URL        string  `json:"url,omitempty"`
	Heading    string  `json:"heading"`
	Text       string  `json:"text"`
	Score      float64 `json:"score"`
}

// Flag is something a reviewer should check before approving.
type Flag struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Flag codes.
const (
	FlagNoCitation       = "no_citation"       // the draft cites no retrieved passage
	FlagUnknownCitation  = "unknown_citation"  // the draft cites a passage that was not retrieved
	FlagForbiddenPromise = "forbidden_promise" // the draft promises what policy forbids
	FlagUnknownURL       = "unknown_url"       // the draft links somewhere no passage links
	FlagExtractive       = "extractive"        // written by the offline extractive writer
	FlagNoPassages       = "no_passages"       // retrieval found nothing to answer from
)

// Draft is a drafted reply to one item.
type Draft struct {
	ID      int64 `json:"id"`
	ItemID  int64 `json:"item_id"`
	State   State `json:"state"`
	Version int   `json:"version"`

	Body       string    `json:"body"`
	Passages   []Passage `json:"passages"`
	Citations  []int64   `json:"citations"` // chunk ids
	Flags      []Flag    `json:"flags"`
	Extractive bool      `json:"extractive"`

	PromptVersion string `json:"prompt_version,omitempty"`
	PromptHash    string `json:"prompt_hash,omitempty"`
	Backend       string `json:"backend"`
	Model         string `json:"model"`

	Assignee     string     `json:"assignee,omitempty"`
	Reviewer     string     `json:"reviewer,omitempty"`
	FinalBody    *string    `json:"final_body,omitempty"`
	RejectReason string     `json:"reject_reason,omitempty"`
	ReviewedAt   *time.Time `json:"reviewed_at,omitempty"`
	SentAt       *time.Time `json:"sent_at,omitempty"`
	SendError    string     `json:"send_error,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// Event is one entry of a draft's audit trail.
type Event struct {
	ID           int64     `json:"id"`
	DraftID      int64     `json:"draft_id"`
	Action       string    `json:"action"`
	Actor        string    `json:"actor"`
	From         *State    `json:"from,omitempty"`
	To           State     `json:"to"`
	BeforeBody   string    `json:"before_body,omitempty"`
	AfterBody    string    `json:"after_body,omitempty"`
	EditDistance int       `json:"edit_distance"`
	Reason       string    `json:"reason,omitempty"`
	At           time.Time `json:"at"`
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain structs and slices only
	}
	return b
}
