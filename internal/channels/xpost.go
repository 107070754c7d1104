package channels

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/triage-oss/triage/internal/items"
)

// XSignatureHeader carries the Account Activity API's signature: "sha256="
// + base64 HMAC-SHA256 of the body keyed with the app's consumer secret.
const XSignatureHeader = "X-Twitter-Webhooks-Signature"

// XConfig configures the X adapter.
type XConfig struct {
	// ConsumerSecret is the app's consumer (API) secret, the key of the
	// Account Activity API's webhook signature; empty makes Verify return
	// ErrNotConfigured for such deliveries.
	ConsumerSecret string
	// RelaySecret is the secret the team's poller signs API v2 responses
	// with (X-Triage-Signature); empty makes Verify return
	// ErrNotConfigured for relayed deliveries.
	RelaySecret string
	// OwnUserID is the brand's account id: its own posts and DMs are
	// skipped. When empty, an Account Activity payload's for_user_id (the
	// subscribed account, which is the brand) is used for that payload.
	OwnUserID string
}

// X reads posts and direct messages from X, in two shapes:
//
//   - API v2 responses relayed by the team's poller: {"data": a post or
//     [posts], "includes": {"users", "tweets", "media"}, "meta"}, and DM
//     events ({"data": [{"event_type": "MessageCreate", ...}]}).
//   - Account Activity API webhooks: "tweet_create_events" (v1.1 posts),
//     "direct_message_events" and "tweet_delete_events".
//
// A post becomes an item with external_id its id, author "@" + username
// (the author id when the user is not in includes), text note_tweet.text
// for long posts or text, thread_id conversation_id (a v1.1 post that is
// not a reply is its own thread; a v1.1 reply has no known thread),
// parent_id the replied_to post and url https://x.com/{username}/status/{id}
// (https://x.com/i/status/{id} without a username). Metadata: "author_id",
// "conversation_id", "lang", "public_metrics", "attachments" (from
// includes.media), "quoted" ({"id", "author", "text"}) for a quote post and
// "edit_history_tweet_ids" for an edited one.
//
// A DM becomes an item with external_id "dm:{id}", thread_id the DM
// conversation ("{low id}-{high id}" for a v1.1 one-to-one DM, the form
// API v2 uses) and metadata "dm_conversation_id", "sender_id" and, for
// v1.1, "recipient_id". DMs have no URL.
//
// Mapping decisions:
//   - An edited post (edit_history_tweet_ids, or v1.1 edit_history, with
//     more than one id) is a KindEdit of the original id, the first one;
//     url points at the version received.
//   - Retweets are skipped: they repeat a post without new text. Quote
//     posts are kept.
//   - Post text is unescaped once for the &amp;, &lt; and &gt; X sends;
//     DM text is kept as sent.
//   - DM events other than MessageCreate (joins, leaves) and Account
//     Activity events other than the three above (likes, follows, typing)
//     are skipped with a reason, as is a v2 response's errors list.
type X struct {
	cfg XConfig
}

var _ Adapter = (*X)(nil)

// NewX returns the X adapter.
func NewX(cfg XConfig) *X { return &X{cfg: cfg} }

// Name is "x".
func (x *X) Name() string { return "x" }

// Verify checks the Account Activity signature when XSignatureHeader is
// present, and the poller's relay signature otherwise (see verifyRelay).
// The Account Activity signature binds no timestamp, so replays are left
// to the item's external id.
func (x *X) Verify(h http.Header, body []byte, now time.Time) error {
	if len(h.Values(XSignatureHeader)) == 0 {
		return verifyRelay(x.cfg.RelaySecret, h, body, now)
	}
	if x.cfg.ConsumerSecret == "" {
		return ErrNotConfigured
	}
	m := hmac.New(sha256.New, []byte(x.cfg.ConsumerSecret))
	m.Write(body)
	want := "sha256=" + base64.StdEncoding.EncodeToString(m.Sum(nil))
	if !equalMAC([]byte(h.Get(XSignatureHeader)), []byte(want)) {
		return unauthorized("%s does not match", XSignatureHeader)
	}
	return nil
}

// Decode normalizes an API v2 response or an Account Activity payload.
func (x *X) Decode(body []byte, now time.Time) (Delivery, error) {
	var top map[string]json.RawMessage
	if b := bytes.TrimSpace(body); len(b) == 0 || b[0] != '{' {
		return Delivery{}, malformed("x: want a JSON object (an API v2 response or an Account Activity payload)")
	}
	if err := json.Unmarshal(body, &top); err != nil {
		return Delivery{}, malformed("x: %v", err)
	}
	w := xWalk{now: now, own: x.cfg.OwnUserID}
	v2, aaa := xIsV2(top), xIsActivity(top)
	if !v2 && !aaa {
		return Delivery{}, malformed("x: neither an API v2 response (data, includes, meta) nor an Account Activity payload (for_user_id, *_events)")
	}
	if v2 {
		if err := w.v2(top); err != nil {
			return Delivery{}, err
		}
	}
	if aaa {
		if err := w.activity(top); err != nil {
			return Delivery{}, err
		}
	}
	return w.d, nil
}

func xIsV2(top map[string]json.RawMessage) bool {
	for _, k := range []string{"data", "includes", "meta", "errors"} {
		if _, ok := top[k]; ok {
			return true
		}
	}
	return false
}

func xIsActivity(top map[string]json.RawMessage) bool {
	for k := range top {
		if k == "for_user_id" || k == "user_event" || strings.HasSuffix(k, "_events") {
			return true
		}
	}
	return false
}

// xWalk collects the events of a payload.
type xWalk struct {
	now time.Time
	own string
	d   Delivery
}

func (w *xWalk) skip(format string, args ...any) {
	w.d.Skipped = append(w.d.Skipped, fmt.Sprintf(format, args...))
}

func (w *xWalk) add(kind Kind, item items.NewItem) {
	w.d.Events = append(w.d.Events, Event{Kind: kind, Item: item})
}

// xUnmarshal decodes one part of the payload, naming it on error.
func xUnmarshal(raw json.RawMessage, what string, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return malformed("x: %s: %v", what, err)
	}
	return nil
}

// xID checks an id from the payload for use in an external id: "" when
// empty, too long or not clean text.
func xID(s string) string {
	if s == "" || len(s) > 200 || s != Clip(s) {
		return ""
	}
	return s
}

// xUsername reports whether s is an X handle, safe in a URL path.
func xUsername(s string) bool {
	if s == "" || len(s) > 50 {
		return false
	}
	for _, c := range s {
		if !(c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// xDigits reports whether s is a numeric id, safe in a URL path.
func xDigits(s string) bool {
	if s == "" || len(s) > 30 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// xPostURL is the post's address, "" when its id is not numeric.
func xPostURL(username, id string) string {
	switch {
	case !xDigits(id):
		return ""
	case xUsername(username):
		return "https://x.com/" + username + "/status/" + id
	default:
		return "https://x.com/i/status/" + id
	}
}

// xAuthor is "@" + username, or the user id when the username is unknown.
func xAuthor(username, id string) string {
	if username != "" {
		return Clip("@" + username)
	}
	return Clip(id)
}

var xUnescape = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

// xText cleans an item's text, standing in for attachments when empty.
func xText(s string, atts []xAttachment) (string, bool) {
	text, cut := Text(s)
	if text == "" && len(atts) > 0 {
		list := make([]Attachment, len(atts))
		for i, a := range atts {
			list[i] = Attachment{Name: a.Type, URL: a.URL}
		}
		text = AttachmentsOnly(list)
	}
	return text, cut
}

// xMetadata encodes m after adding "truncated" when the text was cut.
func xMetadata(m map[string]any, cut bool) json.RawMessage {
	if cut {
		m["truncated"] = true
	}
	return Metadata(m)
}
