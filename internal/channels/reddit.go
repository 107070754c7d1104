package channels

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/triage-oss/triage/internal/items"
)

// RedditMaxDepth is how many levels of things Decode reads below the
// payload: a listing is one level and each comment in it another, so a
// reply n levels down is 2n+1 levels deep. Reddit itself stops nesting
// at 10 reply levels and sends a "more" instead; deeper things are
// skipped with a reason.
const RedditMaxDepth = 40

// RedditConfig configures the Reddit adapter.
type RedditConfig struct {
	// RelaySecret is the secret the team's Reddit poller signs its
	// deliveries with (X-Triage-Signature); empty makes Verify return
	// ErrNotConfigured.
	RelaySecret string
}

// Reddit reads what the team's poller relays from the Reddit API: a
// listing ({"kind":"Listing","data":{"children":[...]}}), an array of
// listings as /comments/{id} returns ([post listing, comments listing]),
// or a single t3/t1 thing. Comment replies are walked in document order,
// parents first, down to RedditMaxDepth.
//
// A submission (t3) becomes an item with text title + "\n\n" + selftext
// (a link post: title + "\n\n" + url) and thread_id its own name; a
// comment (t1) gets text body, parent_id its parent_id and thread_id its
// link_id. external_id is the fullname (t3_xxx, t1_xxx); url is
// https://www.reddit.com + permalink. Metadata: "subreddit", "score",
// "permalink", "edited" (false, true, or the RFC 3339 time of the edit),
// "stickied", and when known "over_18" (a comment takes it from its
// submission when the payload holds both) and "distinguished".
//
// Mapping decisions:
//   - A body or selftext of "[deleted]" or "[removed]" is a KindDelete; so
//     is a submission whose removed_by_category is set (a link post has
//     no body to mark), except "automod_filtered", which is held for
//     review and may come back.
//   - edited other than false is a KindEdit of the same fullname.
//   - Things by AutoModerator are skipped: they are rule reminders the
//     subreddit posts, not the community; replies to them are kept.
//     Moderator-distinguished things are kept, marked by
//     "distinguished": "moderator".
//   - "more" stubs and other kinds (accounts, messages, subreddits) are
//     skipped with a reason.
//   - Reddit escapes &, < and > as HTML entities unless asked for
//     raw_json=1; they are unescaped once, so either works (with
//     raw_json=1 a literal "&amp;" typed by a user comes out "&").
//   - A field of the wrong type is left empty rather than failing the
//     whole delivery (Reddit itself sends "" for no replies and strings as
//     a more's children); a payload that is not a thing or an array of
//     things is ErrMalformed.
type Reddit struct {
	cfg RedditConfig
}

var _ Adapter = (*Reddit)(nil)

// NewReddit returns the Reddit adapter.
func NewReddit(cfg RedditConfig) *Reddit { return &Reddit{cfg: cfg} }

// Name is "reddit".
func (r *Reddit) Name() string { return "reddit" }

// Verify checks the poller's relay signature (see verifyRelay).
func (r *Reddit) Verify(h http.Header, body []byte, now time.Time) error {
	return verifyRelay(r.cfg.RelaySecret, h, body, now)
}

// Decode normalizes a listing, an array of listings or a single thing.
func (r *Reddit) Decode(body []byte, now time.Time) (Delivery, error) {
	things, err := redditParse(body)
	if err != nil {
		return Delivery{}, err
	}
	w := redditWalk{now: now, over18: map[string]bool{}}
	for _, t := range things {
		w.thing(&t, 0)
	}
	return w.d, nil
}

// redditThing is one Reddit thing; Data holds the fields of every kind
// read (a union: Reddit names them apart).
type redditThing struct {
	Kind string     `json:"kind"`
	Data redditData `json:"data"`
}

type redditData struct {
	// Listing.
	Children []redditThing `json:"children"`
	// more.
	Count int `json:"count"`
	// t3 and t1.
	Name              string       `json:"name"`
	ID                string       `json:"id"`
	Author            string       `json:"author"`
	Permalink         string       `json:"permalink"`
	Subreddit         string       `json:"subreddit"`
	CreatedUTC        float64      `json:"created_utc"`
	Score             int64        `json:"score"`
	Edited            any          `json:"edited"`
	Over18            *bool        `json:"over_18"`
	Distinguished     string       `json:"distinguished"`
	Stickied          bool         `json:"stickied"`
	Title             string       `json:"title"`
	Selftext          string       `json:"selftext"`
	URL               string       `json:"url"`
	IsSelf            bool         `json:"is_self"`
	RemovedByCategory string       `json:"removed_by_category"`
	Body              string       `json:"body"`
	ParentID          string       `json:"parent_id"`
	LinkID            string       `json:"link_id"`
	Replies           *redditThing `json:"replies"` // "" when none
}

// redditParse decodes the payload into its top-level things.
func redditParse(body []byte) ([]redditThing, error) {
	b := bytes.TrimSpace(body)
	var things []redditThing
	var err error
	switch {
	case len(b) > 0 && b[0] == '[':
		err = json.Unmarshal(b, &things)
	case len(b) > 0 && b[0] == '{':
		things = make([]redditThing, 1)
		err = json.Unmarshal(b, &things[0])
	default:
		return nil, malformed("reddit: want a listing, an array of listings or a thing")
	}
	var typeErr *json.UnmarshalTypeError
	if err != nil && !errors.As(err, &typeErr) {
		return nil, malformed("reddit: %v", err)
	}
	for i := range things {
		if things[i].Kind == "" {
			return nil, malformed("reddit: thing %d has no kind", i)
		}
	}
	return things, nil
}

// redditWalk collects the events of a payload.
type redditWalk struct {
	now    time.Time
	d      Delivery
	over18 map[string]bool // by submission fullname, for its comments
}

func (w *redditWalk) skip(format string, args ...any) {
	w.d.Skipped = append(w.d.Skipped, fmt.Sprintf(format, args...))
}

func (w *redditWalk) thing(t *redditThing, depth int) {
	if depth > RedditMaxDepth {
		w.skip("%s %s: deeper than %d levels, not read", t.Kind, MetaString(t.Data.Name, items.MaxIDBytes), RedditMaxDepth)
		return
	}
	switch t.Kind {
	case "Listing":
		for i := range t.Data.Children {
			w.thing(&t.Data.Children[i], depth+1)
		}
	case "t3", "t1":
		w.post(t.Kind, &t.Data)
		if r := t.Data.Replies; r != nil && r.Kind != "" {
			w.thing(r, depth+1)
		}
	case "more":
		if t.Data.Count == 0 { // Reddit's "continue this thread"
			w.skip("more: a deeper thread not in this listing")
		} else {
			w.skip("more: %d comments not in this listing", t.Data.Count)
		}
	case "":
		w.skip("a thing without kind")
	default:
		w.skip("%s: not a submission or a comment", MetaString(t.Kind, items.MaxIDBytes))
	}
}

// post adds the event of a submission or a comment.
func (w *redditWalk) post(kind string, p *redditData) {
	name := redditName(kind, p)
	if name == "" {
		w.skip("%s: no usable name", kind)
		return
	}
	if kind == "t3" && p.Over18 != nil {
		w.over18[name] = *p.Over18
	}
	switch {
	case redditDeleted(kind, p):
		w.d.Events = append(w.d.Events, Event{Kind: KindDelete, Item: items.NewItem{Channel: "reddit", ExternalID: name}})
		return
	case p.Author == "AutoModerator":
		w.skip("%s: by AutoModerator, a bot", name)
		return
	}
	text, cut := Text(redditText(kind, p))
	if text == "" {
		w.skip("%s: no text", name)
		return
	}
	ev := Event{Kind: KindMessage, Item: items.NewItem{
		Channel:    "reddit",
		ExternalID: name,
		Author:     Clip(p.Author),
		Text:       text,
		URL:        redditURL(p.Permalink),
		CreatedAt:  CreatedAt(redditUnix(p.CreatedUTC), w.now),
		ThreadID:   name,
	}}
	if kind == "t1" {
		ev.Item.ThreadID, ev.Item.ParentID = Clip(p.LinkID), Clip(p.ParentID)
	}
	edited, isEdit := redditEdited(p.Edited, w.now)
	if isEdit {
		ev.Kind = KindEdit
	}
	ev.Item.Metadata = w.metadata(kind, p, edited, cut)
	w.d.Events = append(w.d.Events, ev)
}

func (w *redditWalk) metadata(kind string, p *redditData, edited any, cut bool) json.RawMessage {
	m := map[string]any{
		"subreddit": MetaString(p.Subreddit, items.MaxIDBytes),
		"score":     p.Score,
		"permalink": MetaString(p.Permalink, items.MaxIDBytes),
		"edited":    edited,
		"stickied":  p.Stickied,
	}
	if p.Over18 != nil {
		m["over_18"] = *p.Over18
	} else if v, ok := w.over18[p.LinkID]; ok && kind == "t1" {
		m["over_18"] = v
	}
	if p.Distinguished != "" {
		m["distinguished"] = MetaString(p.Distinguished, items.MaxIDBytes)
	}
	if cut {
		m["truncated"] = true
	}
	return Metadata(m)
}

// redditName is the thing's fullname, "" when unusable as an external id.
func redditName(kind string, p *redditData) string {
	name := strings.TrimSpace(p.Name)
	if id := strings.TrimSpace(p.ID); name == "" && id != "" {
		name = kind + "_" + id
	}
	if len(name) > items.MaxIDBytes || !utf8.ValidString(name) || strings.ContainsRune(name, 0) {
		return ""
	}
	return name
}

func redditDeleted(kind string, p *redditData) bool {
	marker := func(s string) bool { return s == "[deleted]" || s == "[removed]" }
	if kind == "t1" {
		return marker(p.Body)
	}
	removed := p.RemovedByCategory != "" && p.RemovedByCategory != "automod_filtered"
	return marker(p.Selftext) || removed
}

var redditUnescape = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

func redditText(kind string, p *redditData) string {
	if kind == "t1" {
		return redditUnescape.Replace(p.Body)
	}
	title := redditUnescape.Replace(strings.TrimSpace(p.Title))
	more := p.Selftext
	if !p.IsSelf {
		more = p.URL
	}
	more = strings.TrimSpace(redditUnescape.Replace(more))
	if more == "" {
		return title
	}
	return title + "\n\n" + more
}

// redditEdited returns the "edited" metadata value and whether the thing
// was edited: Reddit sends false, or the Unix time of the last edit.
func redditEdited(v any, now time.Time) (any, bool) {
	switch e := v.(type) {
	case float64:
		if e <= 0 {
			return false, false
		}
		if ts := CreatedAt(redditUnix(e), now); ts != "" {
			return ts, true
		}
		return true, true
	case bool:
		return e, e
	default:
		return false, false
	}
}

func redditUnix(sec float64) time.Time {
	if !(sec > 0 && sec < 1e11) { // also NaN
		return time.Time{}
	}
	return time.UnixMilli(int64(sec * 1000))
}

// redditURL is the permalink as an absolute URL, "" when unusable.
func redditURL(permalink string) string {
	if !strings.HasPrefix(permalink, "/") {
		return ""
	}
	s := "https://www.reddit.com" + permalink
	if len(s) > items.MaxURLBytes || !utf8.ValidString(s) {
		return ""
	}
	if u, err := url.Parse(s); err != nil || u.Host != "www.reddit.com" {
		return ""
	}
	return s
}

// redditClean makes an identifier-like value (author, thread and parent
// ids) fit an item: no NUL, valid UTF-8, at most items.MaxIDBytes.
