package channels

import (
	"cmp"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/triage-oss/triage/internal/items"
)

// xV1Tweet is a v1.1 post, as tweet_create_events carries it.
type xV1Tweet struct {
	IDStr         string `json:"id_str"`
	Text          string `json:"text"`
	FullText      string `json:"full_text"`
	ExtendedTweet *struct {
		FullText         string      `json:"full_text"`
		ExtendedEntities xV1Entities `json:"extended_entities"`
	} `json:"extended_tweet"`
	User                 xV1User     `json:"user"`
	InReplyToStatusIDStr string      `json:"in_reply_to_status_id_str"`
	CreatedAt            string      `json:"created_at"` // time.RubyDate
	Lang                 string      `json:"lang"`
	QuotedStatusIDStr    string      `json:"quoted_status_id_str"`
	QuotedStatus         *xV1Tweet   `json:"quoted_status"`
	RetweetedStatus      *struct{}   `json:"retweeted_status"`
	ExtendedEntities     xV1Entities `json:"extended_entities"`
	RetweetCount         int64       `json:"retweet_count"`
	FavoriteCount        int64       `json:"favorite_count"`
	ReplyCount           int64       `json:"reply_count"`
	QuoteCount           int64       `json:"quote_count"`
	EditHistory          *struct {
		EditTweetIDs []string `json:"edit_tweet_ids"`
	} `json:"edit_history"`
}

type xV1User struct {
	IDStr      string `json:"id_str"`
	ScreenName string `json:"screen_name"`
}

type xV1Entities struct {
	Media []xV1Media `json:"media"`
}

type xV1Media struct {
	IDStr         string `json:"id_str"`
	Type          string `json:"type"`
	MediaURLHTTPS string `json:"media_url_https"`
	ExtAltText    string `json:"ext_alt_text"`
}

// xV1DM is a direct_message_events entry.
type xV1DM struct {
	Type             string `json:"type"`
	ID               string `json:"id"`
	CreatedTimestamp string `json:"created_timestamp"` // Unix milliseconds
	MessageCreate    struct {
		Target struct {
			RecipientID string `json:"recipient_id"`
		} `json:"target"`
		SenderID    string `json:"sender_id"`
		MessageData struct {
			Text       string `json:"text"`
			Attachment *struct {
				Media xV1Media `json:"media"`
			} `json:"attachment"`
		} `json:"message_data"`
	} `json:"message_create"`
}

// xV1Delete is a tweet_delete_events entry.
type xV1Delete struct {
	Status struct {
		ID     string `json:"id"`
		UserID string `json:"user_id"`
	} `json:"status"`
}

// activity reads an Account Activity payload.
func (w *xWalk) activity(top map[string]json.RawMessage) error {
	if w.own == "" {
		if raw, ok := top["for_user_id"]; ok {
			if err := xUnmarshal(raw, "for_user_id", &w.own); err != nil {
				return err
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(top)) {
		if err := w.activityPart(k, top); err != nil {
			return err
		}
	}
	return nil
}

// activityPart reads one key of an Account Activity payload.
func (w *xWalk) activityPart(k string, top map[string]json.RawMessage) error {
	switch k {
	case "tweet_create_events":
		var posts []xV1Tweet
		if err := xUnmarshal(top[k], k, &posts); err != nil {
			return err
		}
		for i := range posts {
			w.post(xV1Post(&posts[i]))
		}
	case "tweet_delete_events":
		var dels []xV1Delete
		if err := xUnmarshal(top[k], k, &dels); err != nil {
			return err
		}
		w.deletes(dels)
	case "direct_message_events":
		return w.v1DMs(top)
	default:
		if strings.HasSuffix(k, "_events") || k == "user_event" {
			w.skip("%s: not messages", MetaString(k, 64))
		}
	}
	return nil
}

func (w *xWalk) deletes(dels []xV1Delete) {
	for _, d := range dels {
		if id := xID(d.Status.ID); id != "" {
			w.add(KindDelete, items.NewItem{Channel: "x", ExternalID: id})
		} else {
			w.skip("a delete without a usable post id")
		}
	}
}

func (w *xWalk) v1DMs(top map[string]json.RawMessage) error {
	var dms []xV1DM
	if err := xUnmarshal(top["direct_message_events"], "direct_message_events", &dms); err != nil {
		return err
	}
	var users map[string]xV1User
	if raw, ok := top["users"]; ok {
		if err := xUnmarshal(raw, "users", &users); err != nil {
			return err
		}
	}
	for i := range dms {
		e := &dms[i]
		if e.Type != "message_create" {
			w.skip("dm event %s: %s is not a message", MetaString(e.ID, 64), MetaString(e.Type, 64))
			continue
		}
		w.dm(xV1DMItem(e, users))
	}
	return nil
}

// xV1Post turns a v1.1 post into an xPost.
func xV1Post(t *xV1Tweet) *xPost {
	p := &xPost{
		ID:          t.IDStr,
		AuthorID:    t.User.IDStr,
		Username:    t.User.ScreenName,
		Text:        cmp.Or(t.FullText, t.Text),
		CreatedAt:   xParseTime(time.RubyDate, t.CreatedAt),
		ParentID:    t.InReplyToStatusIDStr,
		Lang:        t.Lang,
		Retweet:     t.RetweetedStatus != nil,
		Attachments: xV1Attachments(t.ExtendedEntities.Media),
		Metrics: &xMetrics{
			RetweetCount: t.RetweetCount, ReplyCount: t.ReplyCount,
			LikeCount: t.FavoriteCount, QuoteCount: t.QuoteCount,
		},
	}
	if e := t.ExtendedTweet; e != nil && e.FullText != "" {
		p.Text = e.FullText
		if len(e.ExtendedEntities.Media) > 0 {
			p.Attachments = xV1Attachments(e.ExtendedEntities.Media)
		}
	}
	if p.ParentID == "" {
		p.ConversationID = t.IDStr // not a reply: it starts its thread
	}
	if h := t.EditHistory; h != nil && len(h.EditTweetIDs) > 1 {
		p.EditHistory = h.EditTweetIDs // oldest first, as in API v2
	}
	if t.QuotedStatusIDStr != "" {
		p.Quoted = xV1Quoted(t)
	}
	return p
}

func xV1Quoted(t *xV1Tweet) *xQuoted {
	q := &xQuoted{ID: MetaString(t.QuotedStatusIDStr, 64)}
	if s := t.QuotedStatus; s != nil {
		text := cmp.Or(s.FullText, s.Text)
		if s.ExtendedTweet != nil && s.ExtendedTweet.FullText != "" {
			text = s.ExtendedTweet.FullText
		}
		q.Text = MetaString(xUnescape.Replace(text), xQuotedTextBytes)
		if s.User.ScreenName != "" {
			q.Author = MetaString("@"+s.User.ScreenName, 64)
		}
	}
	return q
}

func xV1Attachments(media []xV1Media) []xAttachment {
	var out []xAttachment
	for _, m := range media {
		out = append(out, xAttachment{
			MediaKey: MetaString(m.IDStr, 64),
			Type:     MetaString(m.Type, 32),
			URL:      MetaString(m.MediaURLHTTPS, 2048),
			AltText:  MetaString(m.ExtAltText, 1000),
		})
	}
	return out
}

// xV1DMItem turns a v1.1 DM event into an xDM.
func xV1DMItem(e *xV1DM, users map[string]xV1User) *xDM {
	mc := &e.MessageCreate
	d := &xDM{
		ID:             e.ID,
		SenderID:       mc.SenderID,
		Username:       users[mc.SenderID].ScreenName,
		RecipientID:    mc.Target.RecipientID,
		ConversationID: xConversation(mc.SenderID, mc.Target.RecipientID),
		Text:           mc.MessageData.Text,
	}
	if ms, err := strconv.ParseInt(e.CreatedTimestamp, 10, 64); err == nil {
		d.CreatedAt = time.UnixMilli(ms)
	}
	if a := mc.MessageData.Attachment; a != nil {
		d.Attachments = xV1Attachments([]xV1Media{a.Media})
	}
	return d
}

// xConversation is the id API v2 gives a one-to-one DM conversation: the
// two user ids, lower first, joined by "-".
func xConversation(a, b string) string {
	if !xDigits(a) || !xDigits(b) {
		return ""
	}
	if len(a) > len(b) || len(a) == len(b) && a > b {
		a, b = b, a
	}
	return a + "-" + b
}
