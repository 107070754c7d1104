package channels

import (
	"bytes"
	"encoding/json"
	"time"
)

// xV2Object is a post or a DM event of an API v2 response: they share id,
// text, created_at, attachments and referenced_tweets, and DM events carry
// event_type.
type xV2Object struct {
	ID               string `json:"id"`
	Text             string `json:"text"`
	CreatedAt        string `json:"created_at"`
	ReferencedTweets []struct {
		Type string `json:"type"` // replied_to, quoted, retweeted
		ID   string `json:"id"`
	} `json:"referenced_tweets"`
	Attachments struct {
		MediaKeys []string `json:"media_keys"`
	} `json:"attachments"`

	// Posts.
	AuthorID            string    `json:"author_id"`
	ConversationID      string    `json:"conversation_id"`
	Lang                string    `json:"lang"`
	PublicMetrics       *xMetrics `json:"public_metrics"`
	EditHistoryTweetIDs []string  `json:"edit_history_tweet_ids"`
	NoteTweet           *struct {
		Text string `json:"text"`
	} `json:"note_tweet"`

	// DM events.
	EventType        string `json:"event_type"`
	SenderID         string `json:"sender_id"`
	DMConversationID string `json:"dm_conversation_id"`
}

type xV2Includes struct {
	Users []struct {
		ID       string `json:"id"`
		Username string `json:"username"`
	} `json:"users"`
	Tweets []xV2Object `json:"tweets"`
	Media  []struct {
		MediaKey        string `json:"media_key"`
		Type            string `json:"type"`
		URL             string `json:"url"`
		PreviewImageURL string `json:"preview_image_url"`
		AltText         string `json:"alt_text"`
		Width           int    `json:"width"`
		Height          int    `json:"height"`
		DurationMS      int64  `json:"duration_ms"`
	} `json:"media"`
}

// xV2Lookup indexes a response's includes.
type xV2Lookup struct {
	users  map[string]string // id → username
	tweets map[string]*xV2Object
	media  map[string]xAttachment
}

func xV2Index(inc *xV2Includes) *xV2Lookup {
	l := &xV2Lookup{users: map[string]string{}, tweets: map[string]*xV2Object{}, media: map[string]xAttachment{}}
	for _, u := range inc.Users {
		l.users[u.ID] = u.Username
	}
	for i := range inc.Tweets {
		l.tweets[inc.Tweets[i].ID] = &inc.Tweets[i]
	}
	for _, m := range inc.Media {
		l.media[m.MediaKey] = xAttachment{
			MediaKey:        MetaString(m.MediaKey, 64),
			Type:            MetaString(m.Type, 32),
			URL:             MetaString(m.URL, 2048),
			PreviewImageURL: MetaString(m.PreviewImageURL, 2048),
			AltText:         MetaString(m.AltText, 1000),
			Width:           m.Width,
			Height:          m.Height,
			DurationMS:      m.DurationMS,
		}
	}
	return l
}

// attachments lists the media of keys, from includes when there.
func (l *xV2Lookup) attachments(keys []string) []xAttachment {
	var out []xAttachment
	for _, k := range keys {
		a, ok := l.media[k]
		if !ok {
			a = xAttachment{MediaKey: MetaString(k, 64)}
		}
		out = append(out, a)
	}
	return out
}

// v2 reads an API v2 response: posts or DM events in data.
func (w *xWalk) v2(top map[string]json.RawMessage) error {
	var inc xV2Includes
	if raw, ok := top["includes"]; ok {
		if err := xUnmarshal(raw, "includes", &inc); err != nil {
			return err
		}
	}
	objs, err := xV2Data(top["data"])
	if err != nil {
		return err
	}
	l := xV2Index(&inc)
	for i := range objs {
		if o := &objs[i]; o.EventType != "" {
			w.v2DM(o, l)
		} else {
			w.post(l.post(o))
		}
	}
	var problems []json.RawMessage
	if raw, ok := top["errors"]; ok && xUnmarshal(raw, "errors", &problems) == nil && len(problems) > 0 {
		w.skip("the response reports %d error(s): posts or users not found or not visible", len(problems))
	}
	return nil
}

// xV2Data decodes data: one object, an array of them, or none.
func xV2Data(raw json.RawMessage) ([]xV2Object, error) {
	b := bytes.TrimSpace(raw)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		return nil, nil
	case b[0] == '{':
		objs := make([]xV2Object, 1)
		return objs, xUnmarshal(b, "data", &objs[0])
	case b[0] == '[':
		var objs []xV2Object
		return objs, xUnmarshal(b, "data", &objs)
	default:
		return nil, malformed("x: data is neither an object nor an array")
	}
}

// post turns a v2 post into an xPost.
func (l *xV2Lookup) post(o *xV2Object) *xPost {
	p := &xPost{
		ID:             o.ID,
		AuthorID:       o.AuthorID,
		Username:       l.users[o.AuthorID],
		Text:           o.Text,
		CreatedAt:      xParseTime(time.RFC3339Nano, o.CreatedAt),
		ConversationID: o.ConversationID,
		Lang:           o.Lang,
		Metrics:        o.PublicMetrics,
		Attachments:    l.attachments(o.Attachments.MediaKeys),
		EditHistory:    o.EditHistoryTweetIDs,
	}
	if o.NoteTweet != nil && o.NoteTweet.Text != "" {
		p.Text = o.NoteTweet.Text
	}
	for _, r := range o.ReferencedTweets {
		switch r.Type {
		case "replied_to":
			p.ParentID = r.ID
		case "retweeted":
			p.Retweet = true
		case "quoted":
			p.Quoted = l.quoted(r.ID)
		}
	}
	return p
}

// quoted describes the quoted post id, with its author and text when the
// response includes it.
func (l *xV2Lookup) quoted(id string) *xQuoted {
	q := &xQuoted{ID: MetaString(id, 64)}
	if t, ok := l.tweets[id]; ok {
		text := t.Text
		if t.NoteTweet != nil && t.NoteTweet.Text != "" {
			text = t.NoteTweet.Text
		}
		q.Text = MetaString(xUnescape.Replace(text), xQuotedTextBytes)
		if u := l.users[t.AuthorID]; u != "" {
			q.Author = MetaString("@"+u, 64)
		}
	}
	return q
}

// v2DM adds a DM event: MessageCreate is a message, others are skipped.
func (w *xWalk) v2DM(o *xV2Object, l *xV2Lookup) {
	if o.EventType != "MessageCreate" {
		w.skip("dm event %s: %s is not a message", MetaString(o.ID, 64), MetaString(o.EventType, 64))
		return
	}
	w.dm(&xDM{
		ID:             o.ID,
		SenderID:       o.SenderID,
		Username:       l.users[o.SenderID],
		ConversationID: o.DMConversationID,
		Text:           o.Text,
		CreatedAt:      xParseTime(time.RFC3339Nano, o.CreatedAt),
		Attachments:    l.attachments(o.Attachments.MediaKeys),
	})
}

// xParseTime parses s in layout, the zero time when it does not parse.
func xParseTime(layout, s string) time.Time {
	t, err := time.Parse(layout, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
