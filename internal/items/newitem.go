package items

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/triage-oss/triage/internal/apperr"
)

// Limits on what ingestion accepts.
const (
	MaxBatch         = 1000     // items per request
	MaxTextBytes     = 64 << 10 // per item: Reddit's 40,000-character posts fit
	MaxIDBytes       = 256      // external_id, thread_id, parent_id, author
	MaxURLBytes      = 2048
	MaxMetadataBytes = 16 << 10
	// MaxClockSkew is how far in the future created_at may be.
	MaxClockSkew = 5 * time.Minute
)

// NewItem is an item as a channel or a client delivers it.
type NewItem struct {
	Channel    string          `json:"channel"`
	ExternalID string          `json:"external_id"`
	Author     string          `json:"author,omitempty"`
	Text       string          `json:"text"`
	URL        string          `json:"url,omitempty"`
	CreatedAt  string          `json:"created_at,omitempty"` // RFC 3339; defaults to the time received
	ThreadID   string          `json:"thread_id,omitempty"`
	ParentID   string          `json:"parent_id,omitempty"`
	Metadata   json.RawMessage `json:"metadata,omitempty"` // a JSON object

	// Set by Validate.
	createdAt time.Time
	textHash  []byte
}

// Validate checks every field, returning one FieldError per problem with
// field names prefixed by prefix (e.g. "items[3]."). On success it records
// the parsed created_at (now when absent) and the text hash for insertion.
func (n *NewItem) Validate(prefix string, now time.Time) []apperr.FieldError {
	var errs fieldErrors
	errs.prefix = prefix
	switch {
	case n.Channel == "":
		errs.add("channel", "required")
	case !ValidChannel(n.Channel):
		errs.add("channel", fmt.Sprintf("unknown channel %q; known channels: %s", n.Channel, strings.Join(Channels, ", ")))
	}
	if n.ExternalID == "" {
		errs.add("external_id", "required")
	}
	errs.plain("external_id", n.ExternalID, MaxIDBytes)
	errs.plain("author", n.Author, MaxIDBytes)
	errs.plain("thread_id", n.ThreadID, MaxIDBytes)
	errs.plain("parent_id", n.ParentID, MaxIDBytes)
	n.validateText(&errs)
	n.validateURL(&errs)
	n.validateMetadata(&errs)
	n.validateCreatedAt(&errs, now)
	if len(errs.list) == 0 {
		n.textHash = TextHash(n.Text)
	}
	return errs.list
}

func (n *NewItem) validateText(errs *fieldErrors) {
	switch {
	case strings.TrimSpace(n.Text) == "":
		errs.add("text", "required and must not be blank")
	case len(n.Text) > MaxTextBytes:
		errs.add("text", fmt.Sprintf("%d bytes; at most %d allowed", len(n.Text), MaxTextBytes))
	default:
		errs.plain("text", n.Text, MaxTextBytes)
	}
}

func (n *NewItem) validateURL(errs *fieldErrors) {
	if n.URL == "" {
		return
	}
	u, err := url.Parse(n.URL)
	switch {
	case len(n.URL) > MaxURLBytes:
		errs.add("url", fmt.Sprintf("%d bytes; at most %d allowed", len(n.URL), MaxURLBytes))
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		errs.add("url", "must be an absolute http or https URL")
	}
}

func (n *NewItem) validateMetadata(errs *fieldErrors) {
	m := bytes.TrimSpace(n.Metadata)
	switch {
	case len(m) == 0 || bytes.Equal(m, []byte("null")):
		n.Metadata = json.RawMessage("{}")
	case m[0] != '{':
		errs.add("metadata", "must be a JSON object")
	case len(m) > MaxMetadataBytes:
		errs.add("metadata", fmt.Sprintf("%d bytes; at most %d allowed", len(m), MaxMetadataBytes))
	case bytes.Contains(m, []byte(`\u0000`)):
		errs.add("metadata", "must not contain NUL characters")
	}
}

func (n *NewItem) validateCreatedAt(errs *fieldErrors, now time.Time) {
	if n.CreatedAt == "" {
		n.createdAt = now
		return
	}
	t, err := time.Parse(time.RFC3339Nano, n.CreatedAt)
	switch {
	case err != nil:
		errs.add("created_at", fmt.Sprintf("%q is not an RFC 3339 timestamp such as 2026-11-23T09:30:00Z", n.CreatedAt))
	case t.After(now.Add(MaxClockSkew)):
		errs.add("created_at", fmt.Sprintf("%s is in the future", n.CreatedAt))
	case t.Year() < 2000:
		errs.add("created_at", fmt.Sprintf("%s is before the year 2000", n.CreatedAt))
	default:
		n.createdAt = t.UTC()
	}
}

type fieldErrors struct {
	prefix string
	list   []apperr.FieldError
}

func (e *fieldErrors) add(field, msg string) {
	e.list = append(e.list, apperr.FieldError{Field: e.prefix + field, Message: msg})
}

// plain checks a string field for size, UTF-8 and NUL (PostgreSQL text
// cannot hold NUL).
func (e *fieldErrors) plain(field, v string, max int) {
	switch {
	case len(v) > max:
		e.add(field, fmt.Sprintf("%d bytes; at most %d allowed", len(v), max))
	case !utf8.ValidString(v):
		e.add(field, "not valid UTF-8")
	case strings.ContainsRune(v, 0):
		e.add(field, "must not contain NUL characters")
	}
}
