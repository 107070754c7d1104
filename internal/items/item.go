package items

import (
	"encoding/json"
	"slices"
	"time"
)

// Item is one message from one channel.
type Item struct {
	ID int64 `json:"id"`

	// Where it came from; (Channel, ExternalID) identifies it uniquely.
	Channel    string          `json:"channel"`
	ExternalID string          `json:"external_id"`
	Author     string          `json:"author"`
	URL        string          `json:"url,omitempty"`
	ThreadID   string          `json:"thread_id,omitempty"`
	ParentID   string          `json:"parent_id,omitempty"`
	Metadata   json.RawMessage `json:"metadata"`

	// What it says, exactly as received.
	Text string `json:"text"`

	// Where it stands.
	State       State  `json:"state"`
	StateReason string `json:"state_reason,omitempty"`
	DuplicateOf *int64 `json:"duplicate_of,omitempty"`

	// Who owns it and by when it must be handled, once routed; the
	// near-duplicate cluster it belongs to, if any.
	Team          string     `json:"team,omitempty"`
	Priority      string     `json:"priority,omitempty"`
	RoutingRule   string     `json:"routing_rule,omitempty"`
	SLADueAt      *time.Time `json:"sla_due_at,omitempty"`
	SLABreachedAt *time.Time `json:"sla_breached_at,omitempty"`
	ClusterID     *int64     `json:"cluster_id,omitempty"`

	CreatedAt  time.Time `json:"created_at"`  // posted on the channel
	ReceivedAt time.Time `json:"received_at"` // accepted by Triage
	UpdatedAt  time.Time `json:"updated_at"`
}

// State is where an item stands. An item is always in exactly one state.
type State string

// States.
const (
	// StateReceived: stored and queued for triage.
	StateReceived State = "received"
	// StateClassified: labelled by a model; the next stages pick it up.
	StateClassified State = "classified"
	// StateDuplicate: the same text as an earlier item it points to
	// (DuplicateOf); it is handled with that item.
	StateDuplicate State = "duplicate"
	// StateFiltered: closed by the local prefilter as confident noise or
	// spam, without a model call; StateReason gives the verdict.
	StateFiltered State = "filtered"
	// StateNeedsHuman: automation could not handle it (a model failed for
	// good or answered garbage); StateReason says why.
	StateNeedsHuman State = "needs_human"

	// StatePendingReview: a drafted reply waits for a reviewer.
	StatePendingReview State = "pending_review"
	// StateApproved: a reviewer approved the reply; the send job delivers it.
	StateApproved State = "approved"
	// StateReplied: the approved reply was delivered.
	StateReplied State = "replied"
	// StateClosed: handled without a reply (a reviewer rejected the draft,
	// or its incident was closed).
	StateClosed State = "closed"
	// StateAutoClosed: closed by the auto-closure policy, without a reply;
	// a sample is checked by QA reviewers.
	StateAutoClosed State = "auto_closed"
)

// States lists every state.
var States = []State{StateReceived, StateClassified, StateDuplicate, StateFiltered, StateNeedsHuman,
	StatePendingReview, StateApproved, StateReplied, StateClosed, StateAutoClosed}

// Event is one change of an item's state.
type Event struct {
	ID     int64           `json:"id"`
	ItemID int64           `json:"item_id"`
	From   *State          `json:"from,omitempty"` // nil for the first event
	To     State           `json:"to"`
	Reason string          `json:"reason,omitempty"`
	Actor  string          `json:"actor"`
	Detail json.RawMessage `json:"detail,omitempty"`
	At     time.Time       `json:"at"`
}

// Channel names accepted by ingestion.
var Channels = []string{
	"x", "instagram", "tiktok", "facebook", "youtube", "threads", "bluesky", "mastodon",
	"discord", "telegram", "whatsapp", "slack", "reddit", "forum", "email", "sms",
	"app_review", "webhook",
}

// ValidChannel reports whether name is a known channel.
func ValidChannel(name string) bool { return slices.Contains(Channels, name) }
