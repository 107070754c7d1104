// Package channels turns what community platforms deliver into items:
// Discord, Reddit, X, Telegram, Slack, email and a generic signed JSON
// webhook. Each platform has an Adapter that authenticates a delivery
// (signature, shared secret) and normalizes its payload into events: a new
// message, an edit, a delete. The same adapters serve
// POST /v1/channels/{name}/webhook and `triage ingest --format NAME FILE`.
//
// Payload text is untrusted: adapters copy it, never interpret it.
package channels

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/triage-oss/triage/internal/items"
)

// Kind is what a platform event does to an item.
type Kind string

// Event kinds.
const (
	KindMessage Kind = "message" // a new item (a redelivery changes nothing)
	KindEdit    Kind = "edit"    // the author changed the text: the item is updated and triaged again
	KindDelete  Kind = "delete"  // the author or a moderator removed it
)

// Event is one normalized platform event.
type Event struct {
	Kind Kind
	// Item is the whole normalized item for a message or an edit; a delete
	// needs only Channel and ExternalID.
	Item items.NewItem
}

// Delivery is what one payload holds.
type Delivery struct {
	Events []Event
	// Response, when set, is the body the platform expects back (Slack's
	// url_verification challenge, Discord's PING), sent with
	// ResponseType (application/json when empty) and status 200.
	Response     []byte
	ResponseType string
	// Skipped explains each part of the payload left out on purpose (a
	// bot's own message, a system event, an empty message).
	Skipped []string
}

// Adapter authenticates and normalizes one platform's deliveries.
type Adapter interface {
	// Name is the channel name of its items (items.Channels) and the
	// {name} of its webhook route.
	Name() string
	// Verify authenticates an HTTP delivery from its headers and raw body.
	// It returns an error matching ErrUnauthorized when the delivery is
	// not from the platform (bad or missing signature, stale timestamp),
	// and ErrNotConfigured when the adapter has no secret to check with.
	Verify(h http.Header, body []byte, now time.Time) error
	// Decode normalizes a payload. A payload that is not the platform's
	// format is an error matching ErrMalformed, naming what is wrong.
	Decode(body []byte, now time.Time) (Delivery, error)
}

// Errors adapters return, checked with errors.Is.
var (
	ErrUnauthorized  = errors.New("delivery not authenticated")
	ErrNotConfigured = errors.New("channel webhook not configured")
	ErrMalformed     = errors.New("malformed payload")
	ErrUnknown       = errors.New("unknown channel adapter")
)

// malformed returns an ErrMalformed error with a message.
func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// unauthorized returns an ErrUnauthorized error with a message.
func unauthorized(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUnauthorized, fmt.Sprintf(format, args...))
}

// Registry holds the adapters by name.
type Registry struct {
	adapters map[string]Adapter
}

// NewRegistry returns a registry of adapters; a repeated name panics (a
// programming error).
func NewRegistry(adapters ...Adapter) *Registry {
	r := &Registry{adapters: map[string]Adapter{}}
	for _, a := range adapters {
		if _, dup := r.adapters[a.Name()]; dup {
			panic("channels: adapter " + a.Name() + " registered twice")
		}
		r.adapters[a.Name()] = a
	}
	return r
}

// Get returns the adapter called name, or an error matching ErrUnknown
// that lists the known ones.
func (r *Registry) Get(name string) (Adapter, error) {
	if a, ok := r.adapters[name]; ok {
		return a, nil
	}
	return nil, fmt.Errorf("%w %q; known: %s", ErrUnknown, name, strings.Join(r.Names(), ", "))
}

// Names lists the adapters, sorted.
func (r *Registry) Names() []string {
	out := make([]string, 0, len(r.adapters))
	for n := range r.adapters {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Validate checks every item of d as ingestion would (items.NewItem
// Validate) and returns the problems, each prefixed with the event's
// position; adapters produce valid items, so a problem here is a payload
// with values out of range (text too long, a timestamp in the future).
func (d *Delivery) Validate(now time.Time) error {
	var problems []string
	for i := range d.Events {
		e := &d.Events[i]
		if !slices.Contains([]Kind{KindMessage, KindEdit, KindDelete}, e.Kind) {
			problems = append(problems, fmt.Sprintf("events[%d]: unknown kind %q", i, e.Kind))
			continue
		}
		if e.Kind == KindDelete {
			if e.Item.Channel == "" || e.Item.ExternalID == "" {
				problems = append(problems, fmt.Sprintf("events[%d]: a delete names the channel and the external id", i))
			}
			continue
		}
		for _, fe := range e.Item.Validate(fmt.Sprintf("events[%d].", i), now) {
			problems = append(problems, fe.Field+": "+fe.Message)
		}
	}
	if len(problems) > 0 {
		return malformed("%s", strings.Join(problems, "; "))
	}
	return nil
}

// Challenger is implemented by adapters whose platform checks the webhook
// with a GET before (and while) delivering to it: X's CRC check. Challenge
// returns the JSON body to answer with, or ErrNotConfigured / ErrMalformed.
type Challenger interface {
	Challenge(query url.Values) ([]byte, error)
}
