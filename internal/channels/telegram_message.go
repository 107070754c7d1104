package channels

import (
	"cmp"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/triage-oss/triage/internal/items"
)

// telegramMessage is the part of a Bot API Message an item needs.
type telegramMessage struct {
	MessageID          int64            `json:"message_id"`
	MessageThreadID    int64            `json:"message_thread_id"`
	IsTopicMessage     bool             `json:"is_topic_message"`
	From               *telegramUser    `json:"from"`
	SenderChat         *telegramChat    `json:"sender_chat"`
	Chat               telegramChat     `json:"chat"`
	Date               int64            `json:"date"`
	EditDate           int64            `json:"edit_date"`
	ReplyToMessage     *telegramReplyTo `json:"reply_to_message"`
	IsAutomaticForward bool             `json:"is_automatic_forward"`
	Text               string           `json:"text"`
	Caption            string           `json:"caption"`

	// Media.
	Photo     []telegramFile `json:"photo"` // sizes, smallest first
	Document  *telegramFile  `json:"document"`
	Video     *telegramFile  `json:"video"`
	Animation *telegramFile  `json:"animation"`
	Audio     *telegramFile  `json:"audio"`
	Voice     *telegramFile  `json:"voice"`
	VideoNote *telegramFile  `json:"video_note"`
	Sticker   *telegramFile  `json:"sticker"`
}

type telegramUser struct {
	ID        int64  `json:"id"`
	IsBot     bool   `json:"is_bot"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Username  string `json:"username"`
}

type telegramChat struct {
	ID       int64  `json:"id"`
	Type     string `json:"type"` // private, group, supergroup, channel
	Title    string `json:"title"`
	Username string `json:"username"`
}

// telegramReplyTo is the replied-to message: only its id is needed (the
// Bot API sends it without its own reply_to_message).
type telegramReplyTo struct {
	MessageID int64 `json:"message_id"`
}

type telegramFile struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	FileName     string `json:"file_name"`
	MimeType     string `json:"mime_type"`
	FileSize     int64  `json:"file_size"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	Duration     int    `json:"duration"`
	Emoji        string `json:"emoji"`
}

// telegramAttachment is a media file kept in metadata.
type telegramAttachment struct {
	Type         string `json:"type"`
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	MimeType     string `json:"mime_type,omitempty"`
	Size         int64  `json:"size,omitempty"`
	FileName     string `json:"file_name,omitempty"`
	Width        int    `json:"width,omitempty"`
	Height       int    `json:"height,omitempty"`
	Duration     int    `json:"duration,omitempty"`
	Emoji        string `json:"emoji,omitempty"`
}

// telegramServiceFields mark a service message: Telegram's own notice of
// something that happened in the chat, not a member's words.
var telegramServiceFields = []string{
	"new_chat_members", "left_chat_member", "new_chat_title", "new_chat_photo",
	"delete_chat_photo", "group_chat_created", "supergroup_chat_created",
	"channel_chat_created", "message_auto_delete_timer_changed", "migrate_to_chat_id",
	"migrate_from_chat_id", "pinned_message", "successful_payment", "refunded_payment",
	"users_shared", "chat_shared", "connected_website", "write_access_allowed",
	"proximity_alert_triggered", "boost_added", "chat_background_set",
	"forum_topic_created", "forum_topic_edited", "forum_topic_closed",
	"forum_topic_reopened", "general_forum_topic_hidden", "general_forum_topic_unhidden",
	"giveaway_created", "giveaway_completed", "giveaway_winners", "video_chat_scheduled",
	"video_chat_started", "video_chat_ended", "video_chat_participants_invited",
	"web_app_data", "gift", "unique_gift", "checklist_tasks_done", "checklist_tasks_added",
	"paid_message_price_changed", "direct_message_price_changed",
}

// message adds the event of one message, or the reason it is skipped.
func (w *telegramWalk) message(updateID int64, kind Kind, m *telegramMessage, raw json.RawMessage) {
	atts := m.attachments()
	text, cut := Text(cmp.Or(m.Text, m.Caption))
	if text == "" && m.Sticker != nil {
		text, cut = Text(m.Sticker.Emoji)
	}
	if text == "" && len(atts) > 0 {
		text = AttachmentsOnly(telegramAttachmentList(atts))
	}
	switch {
	case m.MessageID == 0:
		w.skip("update %d: a message without message_id", updateID)
	case text == "":
		w.skip("update %d: %s", updateID, telegramEmptyReason(raw))
	case m.From != nil && m.From.IsBot && !m.onBehalfOfChat():
		w.skip("update %d: message from a bot", updateID)
	case m.IsAutomaticForward:
		w.skip("update %d: a channel post forwarded to its discussion group", updateID)
	default:
		item := m.item(text, updateID, atts, cut, w.now)
		w.d.Events = append(w.d.Events, Event{Kind: kind, Item: item})
	}
}

// onBehalfOfChat reports whether a user sent m as another chat (a
// channel): Telegram then sets from to a placeholder bot.
func (m *telegramMessage) onBehalfOfChat() bool {
	return m.SenderChat != nil && m.SenderChat.ID != 0 && m.SenderChat.ID != m.Chat.ID
}

// telegramEmptyReason says why a message has no text: a service message,
// or content Triage does not read.
func telegramEmptyReason(raw json.RawMessage) string {
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(raw, &fields) // raw decoded once already
	for _, f := range telegramServiceFields {
		if _, ok := fields[f]; ok {
			return "service message (" + f + ")"
		}
	}
	for _, f := range []string{"location", "venue", "contact", "poll", "dice", "game", "story", "invoice", "giveaway", "checklist", "paid_media"} {
		if _, ok := fields[f]; ok {
			return "no text (" + f + ")"
		}
	}
	return "no text"
}

// item builds the item of a message that has text.
func (m *telegramMessage) item(text string, updateID int64, atts []telegramAttachment, cut bool, now time.Time) items.NewItem {
	chat := strconv.FormatInt(m.Chat.ID, 10)
	it := items.NewItem{
		Channel:    "telegram",
		ExternalID: chat + ":" + strconv.FormatInt(m.MessageID, 10),
		Author:     m.author(),
		Text:       text,
		URL:        m.url(),
		CreatedAt:  telegramTime(m.Date, now),
	}
	if m.MessageThreadID != 0 {
		it.ThreadID = chat + ":" + strconv.FormatInt(m.MessageThreadID, 10)
	}
	if r := m.ReplyToMessage; r != nil && r.MessageID != 0 && !(m.IsTopicMessage && r.MessageID == m.MessageThreadID) {
		it.ParentID = chat + ":" + strconv.FormatInt(r.MessageID, 10)
	}
	it.Metadata = Metadata(m.metadata(updateID, atts, cut, now))
	return it
}

func (m *telegramMessage) metadata(updateID int64, atts []telegramAttachment, cut bool, now time.Time) map[string]any {
	md := map[string]any{
		"chat_id":    m.Chat.ID,
		"message_id": m.MessageID,
		"chat_type":  MetaString(m.Chat.Type, 32),
		"chat_title": MetaString(m.Chat.Title, items.MaxIDBytes),
		"update_id":  updateID,
	}
	if m.MessageThreadID != 0 {
		md["message_thread_id"] = m.MessageThreadID
	}
	if m.From != nil && m.From.ID != 0 {
		md["from_id"] = m.From.ID
	}
	if ts := telegramTime(m.EditDate, now); ts != "" {
		md["edit_date"] = ts
	}
	if len(atts) > 0 {
		md["attachments"] = atts
	}
	if cut {
		md["truncated"] = true
	}
	return md
}

// author names who wrote m: the chat for a channel post or a message
// sent on behalf of a chat, else the user.
func (m *telegramMessage) author() string {
	switch {
	case m.onBehalfOfChat():
		return Clip(cmp.Or(m.SenderChat.Title, m.SenderChat.Username))
	case m.Chat.Type == "channel" || m.From == nil:
		return Clip(cmp.Or(m.Chat.Title, m.Chat.Username))
	case m.From.Username != "":
		return Clip(m.From.Username)
	default:
		return Clip(strings.TrimSpace(m.From.FirstName + " " + m.From.LastName))
	}
}

// url is the message's t.me link, "" unless the chat is a public group or
// channel (a private chat's username is the user's: no message link).
func (m *telegramMessage) url() string {
	u := m.Chat.Username
	if len(u) == 0 || len(u) > 64 || m.Chat.Type == "private" {
		return ""
	}
	for _, c := range u {
		if !(c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return ""
		}
	}
	return "https://t.me/" + u + "/" + strconv.FormatInt(m.MessageID, 10)
}

// attachments lists m's media; of a photo's sizes, the largest.
func (m *telegramMessage) attachments() []telegramAttachment {
	var out []telegramAttachment
	if n := len(m.Photo); n > 0 {
		out = append(out, telegramAttach("photo", &m.Photo[n-1]))
	}
	for _, f := range []struct {
		typ  string
		file *telegramFile
	}{
		{"document", m.Document}, {"video", m.Video}, {"animation", m.Animation},
		{"audio", m.Audio}, {"voice", m.Voice}, {"video_note", m.VideoNote}, {"sticker", m.Sticker},
	} {
		if f.file != nil {
			out = append(out, telegramAttach(f.typ, f.file))
		}
	}
	return out
}

func telegramAttach(typ string, f *telegramFile) telegramAttachment {
	return telegramAttachment{
		Type:         typ,
		FileID:       MetaString(f.FileID, items.MaxIDBytes),
		FileUniqueID: MetaString(f.FileUniqueID, items.MaxIDBytes),
		MimeType:     MetaString(f.MimeType, 128),
		Size:         f.FileSize,
		FileName:     MetaString(f.FileName, items.MaxIDBytes),
		Width:        f.Width,
		Height:       f.Height,
		Duration:     f.Duration,
		Emoji:        MetaString(f.Emoji, 32),
	}
}

// telegramAttachmentList describes attachments for AttachmentsOnly.
func telegramAttachmentList(atts []telegramAttachment) []Attachment {
	out := make([]Attachment, len(atts))
	for i, a := range atts {
		out[i] = Attachment{Name: cmp.Or(a.FileName, a.Type), ContentType: a.MimeType, Size: a.Size}
	}
	return out
}

// telegramTime formats a Unix date for an item: "" when absent or before
// 2000, now when in the future.
func telegramTime(unix int64, now time.Time) string {
	if unix <= 0 || unix > 1e11 {
		return ""
	}
	return CreatedAt(time.Unix(unix, 0), now)
}
