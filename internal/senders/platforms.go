package senders

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/triage-oss/triage/internal/drafts"
)

// Telegram sends replies with the Bot API's sendMessage, as a reply to the
// item's message in its chat (metadata chat_id and message_id).
type Telegram struct {
	Token   string
	BaseURL string // https://api.telegram.org when empty
	c       client
}

// NewTelegram returns a Telegram sender; hc may be nil.
func NewTelegram(token, baseURL string, hc *http.Client) *Telegram {
	return &Telegram{Token: token, BaseURL: strings.TrimSuffix(orDefault(baseURL, "https://api.telegram.org"), "/"), c: newClient(hc)}
}

// Send posts o.Body to the item's chat.
func (t *Telegram) Send(ctx context.Context, o drafts.Outgoing) error {
	m, err := readMetadata(o)
	if err != nil {
		return err
	}
	if m.ChatID == "" {
		return fmt.Errorf("%w: telegram item %d has no chat_id", drafts.ErrPermanent, o.ItemID)
	}
	payload := map[string]any{"chat_id": json.RawMessage(m.ChatID), "text": o.Body}
	if m.MessageID != "" {
		payload["reply_parameters"] = map[string]any{"message_id": json.RawMessage(m.MessageID), "allow_sending_without_reply": true}
	}
	status, answer, err := t.c.post(ctx, "telegram", t.BaseURL+"/bot"+t.Token+"/sendMessage", nil, payload)
	if err != nil {
		return err
	}
	var r struct {
		OK          bool   `json:"ok"`
		Description string `json:"description"`
	}
	_ = json.Unmarshal(answer, &r)
	if err := classify("telegram", status, []byte(r.Description)); err != nil {
		return err
	}
	if !r.OK {
		return fmt.Errorf("%w: telegram: %s", drafts.ErrPermanent, r.Description)
	}
	return nil
}

// Slack posts replies with chat.postMessage in the item's thread (metadata
// channel, and thread_ts or ts).
type Slack struct {
	Token   string
	BaseURL string // https://slack.com/api when empty
	c       client
}

// NewSlack returns a Slack sender; hc may be nil.
func NewSlack(token, baseURL string, hc *http.Client) *Slack {
	return &Slack{Token: token, BaseURL: strings.TrimSuffix(orDefault(baseURL, "https://slack.com/api"), "/"), c: newClient(hc)}
}

// Send posts o.Body in the item's thread. Slack answers 200 with ok=false
// for refusals; ratelimited is retried.
func (s *Slack) Send(ctx context.Context, o drafts.Outgoing) error {
	m, err := readMetadata(o)
	if err != nil {
		return err
	}
	if m.Channel == "" {
		return fmt.Errorf("%w: slack item %d has no channel", drafts.ErrPermanent, o.ItemID)
	}
	payload := map[string]any{"channel": m.Channel, "text": o.Body, "thread_ts": orDefault(m.ThreadTS, m.TS)}
	status, answer, err := s.c.post(ctx, "slack", s.BaseURL+"/chat.postMessage",
		http.Header{"Authorization": {"Bearer " + s.Token}}, payload)
	if err != nil {
		return err
	}
	if err := classify("slack", status, answer); err != nil {
		return err
	}
	var r struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal(answer, &r); err != nil {
		return fmt.Errorf("slack: unreadable answer: %w", err)
	}
	switch {
	case r.OK:
		return nil
	case r.Error == "ratelimited" || r.Error == "internal_error" || r.Error == "service_unavailable":
		return fmt.Errorf("slack: %s", r.Error)
	}
	return fmt.Errorf("%w: slack: %s", drafts.ErrPermanent, r.Error)
}

// Discord posts replies as the bot in the item's channel, referencing the
// message (metadata channel_id and message_id).
type Discord struct {
	Token   string
	BaseURL string // https://discord.com/api/v10 when empty
	c       client
}

// NewDiscord returns a Discord sender; hc may be nil.
func NewDiscord(token, baseURL string, hc *http.Client) *Discord {
	return &Discord{Token: token, BaseURL: strings.TrimSuffix(orDefault(baseURL, "https://discord.com/api/v10"), "/"), c: newClient(hc)}
}

// Send posts o.Body as a reply to the item's message. Mentions are not
// parsed, so a reply cannot ping @everyone.
func (d *Discord) Send(ctx context.Context, o drafts.Outgoing) error {
	var m struct {
		ChannelID string `json:"channel_id"`
		MessageID string `json:"message_id"`
	}
	if len(o.Metadata) == 0 || json.Unmarshal(o.Metadata, &m) != nil || m.ChannelID == "" {
		return fmt.Errorf("%w: discord item %d has no channel_id", drafts.ErrPermanent, o.ItemID)
	}
	payload := map[string]any{"content": o.Body, "allowed_mentions": map[string]any{"parse": []string{}}}
	if m.MessageID != "" {
		payload["message_reference"] = map[string]any{"message_id": m.MessageID, "fail_if_not_exists": false}
	}
	status, answer, err := d.c.post(ctx, "discord", d.BaseURL+"/channels/"+m.ChannelID+"/messages",
		http.Header{"Authorization": {"Bot " + d.Token}}, payload)
	if err != nil {
		return err
	}
	return classify("discord", status, answer)
}

func orDefault(s, dflt string) string {
	if s == "" {
		return dflt
	}
	return s
}
