package channels

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/triage-oss/triage/internal/items"
)

// WebhookConfig holds the secret of the generic webhook.
type WebhookConfig struct {
	// Secret signs deliveries: X-Triage-Timestamp and X-Triage-Signature,
	// as routing.Sign computes them. Empty, every delivery is refused with
	// ErrNotConfigured.
	Secret string
}

// Webhook is the generic signed JSON webhook, for sources without an
// adapter of their own (a forum, an app-review export, a script). Its
// items are items.NewItem objects, as POST /v1/items takes them, with
// "channel" defaulting to "webhook"; it may name any known channel. A
// payload is one of:
//
//	{"external_id": "42", "text": "…"}                     one new item
//	[{…}, {…}]                                              new items
//	{"items": [{…}, {…}]}                                   new items
//	{"event": "edit", "item": {…}}                          message, edit or delete
//	{"events": [{"event": "delete", "item": {…}}, …]}       several events
//
// A delete needs only channel and external_id. Unknown fields are errors
// (a typo such as "txt" must not pass silently), as are more than
// items.MaxBatch events. Text is cleaned and cut as Text does, with
// "truncated": true added to the metadata; a created_at in the future
// becomes now. Errors name the event by its position: events[i].
type Webhook struct {
	cfg WebhookConfig
}

var _ Adapter = (*Webhook)(nil)

// NewWebhook returns the generic webhook adapter.
func NewWebhook(cfg WebhookConfig) *Webhook { return &Webhook{cfg: cfg} }

// Name returns "webhook".
func (*Webhook) Name() string { return "webhook" }

// Verify checks the X-Triage-Signature of the delivery (see verifyRelay).
func (w *Webhook) Verify(h http.Header, body []byte, now time.Time) error {
	return verifyRelay(w.cfg.Secret, h, body, now)
}

// webhookRaw is one event before its item is decoded.
type webhookRaw struct {
	kind Kind
	item json.RawMessage
}

// webhookEnvelope is {"event": ..., "item": {...}}.
type webhookEnvelope struct {
	Event string          `json:"event"`
	Item  json.RawMessage `json:"item"`
}

// Decode normalizes a payload. Every item it returns passes NewItem
// validation; a payload that would not is ErrMalformed naming the field.
func (w *Webhook) Decode(body []byte, now time.Time) (Delivery, error) {
	raws, err := webhookSplit(bytes.TrimSpace(body))
	if err != nil {
		return Delivery{}, err
	}
	if len(raws) > items.MaxBatch {
		return Delivery{}, malformed("%d events; at most %d allowed", len(raws), items.MaxBatch)
	}
	var out Delivery
	for i, r := range raws {
		ev, err := webhookEvent(r, fmt.Sprintf("events[%d]", i), now)
		if err != nil {
			return Delivery{}, err
		}
		out.Events = append(out.Events, ev)
	}
	if len(out.Events) == 0 {
		out.Skipped = []string{"webhook: the payload holds no items"}
	}
	if err := out.Validate(now); err != nil {
		return Delivery{}, err
	}
	return out, nil
}

// webhookSplit tells the payload's shape and lists its events.
func webhookSplit(body []byte) ([]webhookRaw, error) {
	switch {
	case len(body) == 0:
		return nil, malformed("empty body")
	case body[0] == '[':
		return webhookItems(body)
	case body[0] != '{':
		return nil, malformed("a webhook payload is a JSON object or array")
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(body, &keys); err != nil {
		return nil, malformed("%v", err)
	}
	switch {
	case keys["items"] != nil:
		var p struct {
			Items json.RawMessage `json:"items"`
		}
		if err := webhookStrict(body, &p); err != nil {
			return nil, malformed(`{"items": [...]}: %v`, err)
		}
		return webhookItems(p.Items)
	case keys["events"] != nil:
		return webhookEvents(body)
	case keys["event"] != nil || keys["item"] != nil:
		r, err := webhookUnwrap(body, "envelope")
		return []webhookRaw{r}, err
	}
	return []webhookRaw{{kind: KindMessage, item: body}}, nil
}

// webhookItems lists an array of item objects as new messages.
func webhookItems(body []byte) ([]webhookRaw, error) {
	var list []json.RawMessage
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, malformed("want an array of item objects: %v", err)
	}
	if len(list) > items.MaxBatch {
		return nil, malformed("%d items; at most %d allowed", len(list), items.MaxBatch)
	}
	out := make([]webhookRaw, 0, len(list))
	for _, raw := range list {
		out = append(out, webhookRaw{kind: KindMessage, item: raw})
	}
	return out, nil
}

// webhookEvents lists {"events": [envelope, ...]}.
func webhookEvents(body []byte) ([]webhookRaw, error) {
	var p struct {
		Events []json.RawMessage `json:"events"`
	}
	if err := webhookStrict(body, &p); err != nil {
		return nil, malformed(`{"events": [...]}: %v`, err)
	}
	if len(p.Events) > items.MaxBatch {
		return nil, malformed("%d events; at most %d allowed", len(p.Events), items.MaxBatch)
	}
	out := make([]webhookRaw, 0, len(p.Events))
	for i, raw := range p.Events {
		r, err := webhookUnwrap(raw, fmt.Sprintf("events[%d]", i))
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// webhookUnwrap reads one {"event": ..., "item": {...}} envelope; where
// names it in errors.
func webhookUnwrap(body []byte, where string) (webhookRaw, error) {
	var env webhookEnvelope
	if err := webhookStrict(body, &env); err != nil {
		return webhookRaw{}, malformed(`%s: want {"event": ..., "item": {...}}: %v`, where, err)
	}
	kind := Kind(env.Event)
	switch {
	case kind != KindMessage && kind != KindEdit && kind != KindDelete:
		return webhookRaw{}, malformed(`%s.event: %q; want "message", "edit" or "delete"`, where, webhookShort(env.Event))
	case len(env.Item) == 0 || string(env.Item) == "null":
		return webhookRaw{}, malformed(`%s.item: required`, where)
	}
	return webhookRaw{kind: kind, item: env.Item}, nil
}

// webhookEvent decodes and normalizes one item.
func webhookEvent(r webhookRaw, where string, now time.Time) (Event, error) {
	var it items.NewItem
	if err := webhookStrict(r.item, &it); err != nil {
		return Event{}, malformed("%s: %v", where, err)
	}
	if it.Channel == "" {
		it.Channel = "webhook"
	}
	if !items.ValidChannel(it.Channel) {
		return Event{}, malformed("%s.channel: unknown channel %q; known channels: %s",
			where, webhookShort(it.Channel), strings.Join(items.Channels, ", "))
	}
	if r.kind == KindDelete {
		if len(it.ExternalID) > items.MaxIDBytes {
			return Event{}, malformed("%s.external_id: %d bytes; at most %d allowed", where, len(it.ExternalID), items.MaxIDBytes)
		}
		return Event{Kind: KindDelete, Item: items.NewItem{Channel: it.Channel, ExternalID: it.ExternalID}}, nil
	}
	text, cut := Text(it.Text)
	it.Text = text
	if cut {
		it.Metadata = webhookTruncated(it.Metadata)
	}
	it.CreatedAt = webhookCreatedAt(it.CreatedAt, now)
	return Event{Kind: r.kind, Item: it}, nil
}

// webhookTruncated adds "truncated": true to an item's metadata object; a
// value that is not an object is left for validation to report.
func webhookTruncated(md json.RawMessage) json.RawMessage {
	m := map[string]json.RawMessage{}
	if t := bytes.TrimSpace(md); len(t) > 0 && string(t) != "null" {
		if err := json.Unmarshal(t, &m); err != nil {
			return md
		}
	}
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	out["truncated"] = true
	return Metadata(out)
}

// webhookCreatedAt turns a created_at in the future into now; anything
// else is left for validation.
func webhookCreatedAt(s string, now time.Time) string {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil && t.After(now) {
		return Timestamp(now)
	}
	return s
}

// webhookStrict decodes one JSON value into v, refusing unknown fields and
// trailing data.
func webhookStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// webhookShort is at most 64 runes of a value, for an error message.
func webhookShort(s string) string {
	r := []rune(Clip(s))
	if len(r) > 64 {
		r = r[:64]
	}
	return string(r)
}
