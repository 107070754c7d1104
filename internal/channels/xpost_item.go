package channels

import (
	"time"

	"github.com/triage-oss/triage/internal/items"
)

// xPost is a post read from either API, before it becomes an event.
type xPost struct {
	ID             string
	AuthorID       string
	Username       string
	Text           string // as X sends it: HTML-escaped
	CreatedAt      time.Time
	ConversationID string
	ParentID       string
	Lang           string
	Metrics        *xMetrics
	Attachments    []xAttachment
	Quoted         *xQuoted
	EditHistory    []string // ids, oldest first
	Retweet        bool
}

// xDM is a direct message read from either API.
type xDM struct {
	ID             string
	SenderID       string
	Username       string
	RecipientID    string
	ConversationID string
	Text           string
	CreatedAt      time.Time
	Attachments    []xAttachment
}

// xMetrics is a post's public_metrics.
type xMetrics struct {
	RetweetCount    int64 `json:"retweet_count"`
	ReplyCount      int64 `json:"reply_count"`
	LikeCount       int64 `json:"like_count"`
	QuoteCount      int64 `json:"quote_count"`
	BookmarkCount   int64 `json:"bookmark_count,omitempty"`
	ImpressionCount int64 `json:"impression_count,omitempty"`
}

// xAttachment is a media file of a post or a DM, kept in metadata.
type xAttachment struct {
	MediaKey        string `json:"media_key,omitempty"`
	Type            string `json:"type,omitempty"` // photo, video, animated_gif
	URL             string `json:"url,omitempty"`
	PreviewImageURL string `json:"preview_image_url,omitempty"`
	AltText         string `json:"alt_text,omitempty"`
	Width           int    `json:"width,omitempty"`
	Height          int    `json:"height,omitempty"`
	DurationMS      int64  `json:"duration_ms,omitempty"`
}

// xQuoted is the post a quote post quotes, as far as the payload says.
type xQuoted struct {
	ID     string `json:"id"`
	Author string `json:"author,omitempty"`
	Text   string `json:"text,omitempty"`
}

// xQuotedTextBytes bounds the quoted post's text kept in metadata.
const xQuotedTextBytes = 1000

// post adds the event of a post.
func (w *xWalk) post(p *xPost) {
	id := xID(p.ID)
	switch {
	case id == "":
		w.skip("a post without a usable id")
		return
	case w.own != "" && p.AuthorID == w.own:
		w.skip("post %s: by the brand's own account", id)
		return
	case p.Retweet:
		w.skip("post %s: a retweet", id)
		return
	}
	text, cut := xText(xUnescape.Replace(p.Text), p.Attachments)
	if text == "" {
		w.skip("post %s: no text", id)
		return
	}
	kind, external := KindMessage, id
	if first := xEditOrigin(p.EditHistory); first != "" {
		external = first
		if first != id {
			kind = KindEdit
		}
	}
	w.add(kind, items.NewItem{
		Channel:    "x",
		ExternalID: external,
		Author:     xAuthor(p.Username, p.AuthorID),
		Text:       text,
		URL:        xPostURL(p.Username, id),
		CreatedAt:  CreatedAt(p.CreatedAt, w.now),
		ThreadID:   Clip(p.ConversationID),
		ParentID:   Clip(p.ParentID),
		Metadata:   xMetadata(p.metadata(), cut),
	})
}

// xEditOrigin is the original id of an edited post, "" when the post has
// no edits.
func xEditOrigin(history []string) string {
	if len(history) < 2 {
		return ""
	}
	return xID(history[0])
}

func (p *xPost) metadata() map[string]any {
	m := map[string]any{}
	xSet(m, "author_id", p.AuthorID)
	xSet(m, "conversation_id", p.ConversationID)
	xSet(m, "lang", p.Lang)
	if p.Metrics != nil {
		m["public_metrics"] = *p.Metrics
	}
	if len(p.Attachments) > 0 {
		m["attachments"] = p.Attachments
	}
	if p.Quoted != nil {
		m["quoted"] = *p.Quoted
	}
	if len(p.EditHistory) > 1 {
		ids := make([]string, len(p.EditHistory))
		for i, id := range p.EditHistory {
			ids[i] = MetaString(id, 64)
		}
		m["edit_history_tweet_ids"] = ids
	}
	return m
}

// dm adds the event of a direct message.
func (w *xWalk) dm(d *xDM) {
	id := xID(d.ID)
	switch {
	case id == "":
		w.skip("a direct message without a usable id")
		return
	case w.own != "" && d.SenderID == w.own:
		w.skip("dm %s: sent by the brand's own account", id)
		return
	}
	text, cut := xText(d.Text, d.Attachments)
	if text == "" {
		w.skip("dm %s: no text", id)
		return
	}
	m := map[string]any{}
	xSet(m, "dm_conversation_id", d.ConversationID)
	xSet(m, "sender_id", d.SenderID)
	xSet(m, "recipient_id", d.RecipientID)
	if len(d.Attachments) > 0 {
		m["attachments"] = d.Attachments
	}
	w.add(KindMessage, items.NewItem{
		Channel:    "x",
		ExternalID: "dm:" + id,
		Author:     xAuthor(d.Username, d.SenderID),
		Text:       text,
		CreatedAt:  CreatedAt(d.CreatedAt, w.now),
		ThreadID:   Clip(d.ConversationID),
		Metadata:   xMetadata(m, cut),
	})
}

// xSet sets m[k] to a cleaned v when v is not empty.
func xSet(m map[string]any, k, v string) {
	if v != "" {
		m[k] = MetaString(v, items.MaxIDBytes)
	}
}
