package channels

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/triage-oss/triage/internal/items"
)

// slackMaxFiles bounds the files kept per message.
const slackMaxFiles = 25

// slackUnescaper undoes the three escapes Slack applies to message text.
var slackUnescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// slackMessage is the part of a Slack message event (or of the message
// inside a message_changed event) Triage reads.
type slackMessage struct {
	Type            string        `json:"type"`
	Subtype         string        `json:"subtype"`
	Channel         string        `json:"channel"`
	User            string        `json:"user"`
	BotID           string        `json:"bot_id"`
	Team            string        `json:"team"`
	Text            string        `json:"text"`
	TS              string        `json:"ts"`
	ThreadTS        string        `json:"thread_ts"`
	Files           []slackFile   `json:"files"`
	Edited          *slackEdited  `json:"edited"`
	Message         *slackMessage `json:"message"`          // message_changed: the new message
	PreviousMessage *slackMessage `json:"previous_message"` // message_changed, message_deleted
	DeletedTS       string        `json:"deleted_ts"`       // message_deleted
}

type slackEdited struct {
	User string `json:"user"`
	TS   string `json:"ts"`
}

type slackFile struct {
	Name       string `json:"name"`
	Title      string `json:"title"`
	Mimetype   string `json:"mimetype"`
	Size       int64  `json:"size"`
	URLPrivate string `json:"url_private"`
	Permalink  string `json:"permalink"`
}

// slackDecodeEvent normalizes the event of an event_callback.
func slackDecodeEvent(env *slackEnvelope, now time.Time) (Delivery, error) {
	var ev slackMessage
	if err := json.Unmarshal(env.Event, &ev); err != nil {
		return Delivery{}, malformed("slack event: %v", err)
	}
	where := strings.TrimSpace("slack event " + slackShort(env.EventID))
	switch {
	case ev.Type == "app_mention":
		return slackNew(env, &ev, where, now)
	case ev.Type != "message":
		return slackSkipped(where, "event type "+slackShort(ev.Type)+" is not a message"), nil
	}
	switch ev.Subtype {
	case "", "file_share", "thread_broadcast", "me_message":
		return slackNew(env, &ev, where, now)
	case "message_changed":
		return slackChanged(env, &ev, where, now)
	case "message_deleted":
		return slackDeleted(&ev, where)
	case "bot_message":
		return slackSkipped(where, "a bot's message"), nil
	}
	return slackSkipped(where, "message subtype "+slackShort(ev.Subtype)+" is not a member's message"), nil
}

func slackSkipped(where, why string) Delivery {
	return Delivery{Skipped: []string{where + ": " + why}}
}

// slackNew is a new item for a member's message or an app mention.
func slackNew(env *slackEnvelope, ev *slackMessage, where string, now time.Time) (Delivery, error) {
	if ev.BotID != "" {
		return slackSkipped(where, "a bot's message"), nil
	}
	it, skip, err := slackItem(env, ev.Channel, ev, where, now)
	if err != nil || skip != "" {
		return Delivery{Skipped: slackList(skip)}, err
	}
	return Delivery{Events: []Event{{Kind: KindMessage, Item: it}}}, nil
}

// slackChanged is an edit of event.message; a tombstone (a thread root
// deleted while it has replies) is a delete.
func slackChanged(env *slackEnvelope, ev *slackMessage, where string, now time.Time) (Delivery, error) {
	m := ev.Message
	switch {
	case m == nil:
		return Delivery{}, malformed("%s: message_changed without a message", where)
	case m.Subtype == "tombstone":
		return slackDeleted(&slackMessage{Channel: ev.Channel, DeletedTS: m.TS}, where)
	case m.BotID != "" || m.Subtype == "bot_message":
		return slackSkipped(where, "an edit of a bot's message"), nil
	case ev.PreviousMessage != nil && ev.PreviousMessage.Text == m.Text:
		return slackSkipped(where, "message_changed with the same text (an unfurl or a new reply)"), nil
	}
	it, skip, err := slackItem(env, ev.Channel, m, where, now)
	if err != nil || skip != "" {
		return Delivery{Skipped: slackList(skip)}, err
	}
	return Delivery{Events: []Event{{Kind: KindEdit, Item: it}}}, nil
}

// slackDeleted is a delete of deleted_ts in the event's channel.
func slackDeleted(ev *slackMessage, where string) (Delivery, error) {
	ts := ev.DeletedTS
	if ts == "" && ev.PreviousMessage != nil {
		ts = ev.PreviousMessage.TS
	}
	if ev.Channel == "" || ts == "" {
		return Delivery{}, malformed("%s: a deleted message needs channel and deleted_ts", where)
	}
	it := items.NewItem{Channel: "slack", ExternalID: slackID(ev.Channel, ts)}
	return Delivery{Events: []Event{{Kind: KindDelete, Item: it}}}, nil
}

// slackItem maps message m, posted in channel, to an item, or says why it
// is skipped.
func slackItem(env *slackEnvelope, channel string, m *slackMessage, where string, now time.Time) (items.NewItem, string, error) {
	if channel == "" || m.TS == "" {
		return items.NewItem{}, "", malformed("%s: a message needs channel and ts", where)
	}
	files := slackFiles(m.Files)
	text, cut := Text(slackUnescaper.Replace(m.Text))
	if text == "" && len(files) > 0 {
		text, _ = Text(AttachmentsOnly(files))
	}
	if text == "" {
		return items.NewItem{}, where + ": a message with no text or files", nil
	}
	it := items.NewItem{
		Channel:    "slack",
		ExternalID: slackID(channel, m.TS),
		Author:     Clip(m.User),
		Text:       text,
		CreatedAt:  slackCreatedAt(m.TS, now),
		Metadata:   slackMetadata(env, channel, m, files, cut),
	}
	if m.ThreadTS != "" {
		it.ThreadID = slackID(channel, m.ThreadTS)
	}
	if m.ThreadTS != "" && m.ThreadTS != m.TS {
		it.ParentID = it.ThreadID
	}
	return it, "", nil
}

func slackMetadata(env *slackEnvelope, channel string, m *slackMessage, files []Attachment, cut bool) json.RawMessage {
	md := map[string]any{}
	team := env.TeamID
	if team == "" {
		team = m.Team
	}
	slackPut(md, "team_id", team)
	slackPut(md, "channel", channel)
	slackPut(md, "ts", m.TS)
	slackPut(md, "thread_ts", m.ThreadTS)
	slackPut(md, "event_id", env.EventID)
	slackPut(md, "subtype", m.Subtype)
	if m.Edited != nil {
		slackPut(md, "edited_ts", m.Edited.TS)
	}
	if len(files) > 0 {
		md["files"] = files
	}
	if cut {
		md["truncated"] = true
	}
	return Metadata(md)
}

func slackFiles(in []slackFile) []Attachment {
	if len(in) > slackMaxFiles {
		in = in[:slackMaxFiles]
	}
	out := make([]Attachment, 0, len(in))
	for _, f := range in {
		a := Attachment{Name: Clip(f.Name), ContentType: Clip(f.Mimetype), URL: clean(f.URLPrivate), Size: f.Size}
		if a.Name == "" {
			a.Name = Clip(f.Title)
		}
		if a.URL == "" {
			a.URL = clean(f.Permalink)
		}
		out = append(out, a)
	}
	return out
}

// slackCreatedAt is the time of a ts ("1700000000.000100", Unix seconds
// and microseconds); never after now, and empty (the time received) when
// unreadable or before 2000.
func slackCreatedAt(ts string, now time.Time) string {
	secs, frac, _ := strings.Cut(ts, ".")
	if !slackDigits(secs) || !slackDigits(frac+"0") || len(frac) > 9 {
		return ""
	}
	sec, err := strconv.ParseInt(secs, 10, 64)
	switch {
	case err != nil:
		return ""
	case sec > now.Unix():
		return Timestamp(now)
	}
	ns, _ := strconv.ParseInt((frac + "000000000")[:9], 10, 64)
	t := time.Unix(sec, ns)
	switch {
	case t.Year() < 2000:
		return ""
	case t.After(now):
		return Timestamp(now)
	}
	return Timestamp(t)
}

// slackDigits reports whether s is a non-empty run of ASCII digits.
func slackDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// slackID is the external id of message ts in channel: ts is unique only
// within a channel.
func slackID(channel, ts string) string { return Clip(channel + ":" + ts) }

func slackPut(md map[string]any, key, v string) {
	if v = Clip(v); v != "" {
		md[key] = v
	}
}

func slackList(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// slackShort is at most 64 runes of a value, for a skip reason.
func slackShort(s string) string {
	r := []rune(Clip(s))
	if len(r) > 64 {
		r = r[:64]
	}
	return string(r)
}
