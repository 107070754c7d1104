package channels

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/triage-oss/triage/internal/items"
)

// Discord message types kept as items; every other type is a system
// message (a join, a pin, a boost, a thread created).
const (
	discordTypeDefault = 0
	discordTypeReply   = 19
)

// discordMaxAttachments bounds the attachments kept per message (Discord
// allows 10).
const discordMaxAttachments = 25

// discordEpochMillis is the Discord epoch (2015-01-01) of snowflake ids.
const discordEpochMillis = 1420070400000

// discordMessage is the part of a Discord message object Triage reads.
type discordMessage struct {
	ID               string              `json:"id"`
	ChannelID        string              `json:"channel_id"`
	GuildID          string              `json:"guild_id"` // gateway events only
	Type             int                 `json:"type"`
	Author           discordUser         `json:"author"`
	Content          *string             `json:"content"` // absent from partial updates
	Timestamp        string              `json:"timestamp"`
	EditedTimestamp  *string             `json:"edited_timestamp"`
	Attachments      []discordAttachment `json:"attachments"`
	WebhookID        string              `json:"webhook_id"`
	MessageReference *discordReference   `json:"message_reference"`
	Thread           *discordChannel     `json:"thread"`   // the thread this message started
	Position         json.RawMessage     `json:"position"` // set for messages in a thread
}

type discordUser struct {
	ID         string `json:"id"`
	Username   string `json:"username"`
	GlobalName string `json:"global_name"`
	Bot        bool   `json:"bot"`
}

type discordAttachment struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	URL         string `json:"url"`
}

type discordReference struct {
	Type      int    `json:"type"` // 0 a reply, 1 a forward
	MessageID string `json:"message_id"`
}

type discordChannel struct {
	ID   string `json:"id"`
	Type int    `json:"type"`
}

// discordSource says where a message came from, for mapping and skip
// reasons.
type discordSource struct {
	where    string            // "discord MESSAGE_CREATE", for skip reasons
	guildID  string            // the interaction's guild when the message lacks one
	inThread bool              // the channel is known to be a thread
	edit     bool              // a MESSAGE_UPDATE
	fromBots bool              // keep bots' messages (a member reported it)
	extra    map[string]string // more metadata
}

// discordItem maps a message to an item, or returns why it is skipped.
func discordItem(m *discordMessage, src discordSource, now time.Time) (items.NewItem, string, error) {
	if m.ID == "" {
		return items.NewItem{}, "", malformed("%s: the message has no id", src.where)
	}
	if why := discordSkip(m, src); why != "" {
		return items.NewItem{}, src.where + " " + discordShort(m.ID) + ": " + why, nil
	}
	atts := discordAttachments(m.Attachments)
	text, cut := Text(discordContent(m))
	if text == "" && len(atts) > 0 {
		text, _ = Text(AttachmentsOnly(atts))
	}
	if text == "" {
		return items.NewItem{}, src.where + " " + discordShort(m.ID) + ": no text or attachments", nil
	}
	guild := Clip(m.GuildID)
	if guild == "" {
		guild = Clip(src.guildID)
	}
	return items.NewItem{
		Channel:    "discord",
		ExternalID: Clip(m.ID),
		Author:     Clip(m.Author.Username),
		Text:       text,
		URL:        discordURL(guild, m.ChannelID, m.ID),
		CreatedAt:  discordCreatedAt(m.Timestamp, m.ID, now),
		ThreadID:   discordThreadID(m, src),
		ParentID:   discordParentID(m),
		Metadata:   discordMetadata(m, guild, atts, cut, src.extra),
	}, "", nil
}

// discordSkip says why a message is not an item, or "".
func discordSkip(m *discordMessage, src discordSource) string {
	switch {
	case m.Type != discordTypeDefault && m.Type != discordTypeReply:
		return "system message (type " + strconv.Itoa(m.Type) + ")"
	case m.Author.Bot && !src.fromBots:
		return "sent by a bot"
	case m.WebhookID != "" && !src.fromBots:
		return "posted by a webhook"
	case src.edit && m.Content == nil:
		return "update without content (embeds or flags only)"
	case src.edit && m.EditedTimestamp == nil:
		return "update without edited_timestamp (not an edit by the author)"
	}
	return ""
}

func discordContent(m *discordMessage) string {
	if m.Content == nil {
		return ""
	}
	return *m.Content
}

// discordThreadID is the thread's channel id: Discord gives a thread
// started from a message that message's id, so thread_id matches the
// external_id of the thread's first item.
func discordThreadID(m *discordMessage, src discordSource) string {
	switch {
	case m.Thread != nil && m.Thread.ID != "":
		return Clip(m.Thread.ID)
	case src.inThread || (len(m.Position) > 0 && string(m.Position) != "null"):
		return Clip(m.ChannelID)
	}
	return ""
}

// discordParentID is the replied-to message of a reply; a forward is not
// a reply.
func discordParentID(m *discordMessage) string {
	if m.Type != discordTypeReply || m.MessageReference == nil || m.MessageReference.Type != 0 {
		return ""
	}
	return Clip(m.MessageReference.MessageID)
}

func discordMetadata(m *discordMessage, guild string, atts []Attachment, cut bool, extra map[string]string) json.RawMessage {
	md := map[string]any{}
	for k, v := range extra {
		discordPut(md, k, v)
	}
	discordPut(md, "guild_id", guild)
	discordPut(md, "channel_id", m.ChannelID)
	discordPut(md, "message_id", m.ID)
	discordPut(md, "author_id", m.Author.ID)
	discordPut(md, "global_name", m.Author.GlobalName)
	if m.EditedTimestamp != nil {
		discordPut(md, "edited_timestamp", *m.EditedTimestamp)
	}
	if len(atts) > 0 {
		md["attachments"] = atts
	}
	if cut {
		md["truncated"] = true
	}
	return Metadata(md)
}

func discordPut(md map[string]any, key, v string) {
	if v = Clip(v); v != "" {
		md[key] = v
	}
}

func discordAttachments(in []discordAttachment) []Attachment {
	if len(in) > discordMaxAttachments {
		in = in[:discordMaxAttachments]
	}
	out := make([]Attachment, 0, len(in))
	for _, a := range in {
		out = append(out, Attachment{
			Name:        Clip(a.Filename),
			ContentType: Clip(a.ContentType),
			URL:         clean(a.URL),
			Size:        a.Size,
		})
	}
	return out
}

// discordURL is the message's jump link, when its ids are snowflakes; a
// direct message has no guild ("@me").
func discordURL(guild, channel, id string) string {
	if !discordSnowflake(channel) || !discordSnowflake(id) || (guild != "" && !discordSnowflake(guild)) {
		return ""
	}
	if guild == "" {
		guild = "@me"
	}
	return "https://discord.com/channels/" + guild + "/" + channel + "/" + id
}

func discordSnowflake(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// discordCreatedAt is the message timestamp, else the time in its
// snowflake id; never after now, and empty (the time received) when
// unknown or before 2000.
func discordCreatedAt(ts, id string, now time.Time) string {
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil && discordSnowflake(id) {
		if n, perr := strconv.ParseUint(id, 10, 64); perr == nil {
			t, err = time.UnixMilli(int64(n>>22)+discordEpochMillis), nil
		}
	}
	switch {
	case err != nil || t.Year() < 2000:
		return ""
	case t.After(now):
		return Timestamp(now)
	}
	return Timestamp(t)
}

// discordShort quotes at most 64 runes of a value for a skip reason.
func discordShort(s string) string {
	r := []rune(Clip(s))
	if len(r) > 64 {
		r = r[:64]
	}
	return string(r)
}
