package channels

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"
)

// TelegramSecretHeader carries the secret_token given to setWebhook.
const TelegramSecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// TelegramConfig configures the Telegram adapter.
type TelegramConfig struct {
	// SecretToken is the secret_token the bot's webhook was set with;
	// Telegram sends it back in TelegramSecretHeader. Empty makes Verify
	// return ErrNotConfigured.
	SecretToken string
}

// Telegram reads Bot API updates: one Update as the webhook delivers it,
// and for `triage ingest` an array of updates or a getUpdates answer
// ({"ok": true, "result": [...]}).
//
// message, channel_post and business_message are a KindMessage;
// edited_message, edited_channel_post and edited_business_message a
// KindEdit. Text is text or caption; a sticker without either is its
// emoji; media without any is AttachmentsOnly. external_id is
// "{chat.id}:{message_id}"; author is from.username, else first and last
// name, and for a channel post (or a message sent on behalf of a channel)
// the chat's title; parent_id is "{chat.id}:{reply_to_message.message_id}";
// thread_id is "{chat.id}:{message_thread_id}": the forum topic, or in a
// supergroup the root of the reply thread, the only reply root the Bot
// API reports, so it is empty otherwise. url is
// https://t.me/{chat.username}/{message_id} for a public group or channel.
//
// Metadata keys outbound senders rely on: "chat_id" and "message_id"
// (numbers), "chat_type", "chat_title" ("" for a private chat) and
// "update_id"; besides, "message_thread_id" (replies to a topic go there),
// "from_id", "edit_date" (RFC 3339), "attachments" (type, file_id,
// file_unique_id, mime_type, size, and file_name, width, height,
// duration, emoji when known) and "truncated".
//
// Mapping decisions:
//   - Messages from bots are skipped, which covers the bot's own messages
//     and anonymous group admins (GroupAnonymousBot); a message a user
//     sends on behalf of another chat (from Channel_Bot, sender_chat that
//     chat) is kept, by that chat.
//   - A channel post that Telegram forwards automatically into the
//     channel's discussion group is skipped: the channel post is the item.
//   - In a forum topic, a message that is not an explicit reply still
//     points at the topic's creation message; it gets no parent_id.
//   - Service messages (members joining, pins, topic changes), messages
//     without text or media (locations, polls, contacts) and updates that
//     are not messages (callback_query, my_chat_member...) are skipped
//     with a reason.
type Telegram struct {
	cfg TelegramConfig
}

var _ Adapter = (*Telegram)(nil)

// NewTelegram returns the Telegram adapter.
func NewTelegram(cfg TelegramConfig) *Telegram { return &Telegram{cfg: cfg} }

// Name is "telegram".
func (t *Telegram) Name() string { return "telegram" }

// Verify checks TelegramSecretHeader against the secret token, in
// constant time.
func (t *Telegram) Verify(h http.Header, _ []byte, _ time.Time) error {
	if t.cfg.SecretToken == "" {
		return ErrNotConfigured
	}
	got := h.Get(TelegramSecretHeader)
	if got == "" {
		return unauthorized("missing %s header", TelegramSecretHeader)
	}
	if !equalMAC([]byte(got), []byte(t.cfg.SecretToken)) {
		return unauthorized("%s does not match", TelegramSecretHeader)
	}
	return nil
}

// Decode normalizes an update, an array of updates or a getUpdates answer.
func (t *Telegram) Decode(body []byte, now time.Time) (Delivery, error) {
	updates, err := telegramUpdates(body)
	if err != nil {
		return Delivery{}, err
	}
	w := telegramWalk{now: now}
	for i, u := range updates {
		if err := w.update(i, u); err != nil {
			return Delivery{}, err
		}
	}
	return w.d, nil
}

// telegramUpdates splits the payload into updates, each a map of its
// fields.
func telegramUpdates(body []byte) ([]map[string]json.RawMessage, error) {
	b := bytes.TrimSpace(body)
	if len(b) > 0 && b[0] == '[' {
		var list []map[string]json.RawMessage
		if err := json.Unmarshal(b, &list); err != nil {
			return nil, malformed("telegram: %v", err)
		}
		return list, nil
	}
	if len(b) == 0 || b[0] != '{' {
		return nil, malformed("telegram: want an Update object or an array of them")
	}
	var one map[string]json.RawMessage
	if err := json.Unmarshal(b, &one); err != nil {
		return nil, malformed("telegram: %v", err)
	}
	if _, ok := one["update_id"]; ok {
		return []map[string]json.RawMessage{one}, nil
	}
	raw, ok := one["result"]
	if !ok {
		return nil, malformed("telegram: no update_id: not an Update")
	}
	var list []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, malformed("telegram: result: %v", err)
	}
	return list, nil
}

// telegramKinds are the update fields holding a message, with the event
// kind each gives.
var telegramKinds = []struct {
	field string
	kind  Kind
}{
	{"message", KindMessage},
	{"edited_message", KindEdit},
	{"channel_post", KindMessage},
	{"edited_channel_post", KindEdit},
	{"business_message", KindMessage},
	{"edited_business_message", KindEdit},
}

// telegramWalk collects the events of a payload.
type telegramWalk struct {
	now time.Time
	d   Delivery
}

func (w *telegramWalk) skip(format string, args ...any) {
	w.d.Skipped = append(w.d.Skipped, fmt.Sprintf(format, args...))
}

// update reads the i-th update of the payload: its message, or a reason
// to skip it.
func (w *telegramWalk) update(i int, u map[string]json.RawMessage) error {
	raw, ok := u["update_id"]
	if !ok {
		return malformed("telegram: update %d has no update_id: not an Update", i)
	}
	var id int64
	if err := json.Unmarshal(raw, &id); err != nil {
		return malformed("telegram: update %d: update_id: %v", i, err)
	}
	for _, k := range telegramKinds {
		raw, ok := u[k.field]
		if !ok {
			continue
		}
		var m telegramMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			return malformed("telegram: update %d: %s: %v", id, k.field, err)
		}
		w.message(id, k.kind, &m, raw)
		return nil
	}
	w.skip("update %d: %s is not a message", id, telegramOther(u))
	return nil
}

// telegramOther names the kind of an update that holds no message.
func telegramOther(u map[string]json.RawMessage) string {
	for _, k := range slices.Sorted(maps.Keys(u)) {
		if k != "update_id" {
			return MetaString(k, 64)
		}
	}
	return "an empty update"
}
