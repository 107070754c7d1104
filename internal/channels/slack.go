package channels

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// Headers of a Slack Events API request.
const (
	SlackHeaderSignature = "X-Slack-Signature"         // "v0=" + hex HMAC-SHA256 of "v0:<timestamp>:<body>"
	SlackHeaderTimestamp = "X-Slack-Request-Timestamp" // Unix seconds
)

// SlackTolerance is how far X-Slack-Request-Timestamp may be from now;
// older requests are refused as replays.
const SlackTolerance = 5 * time.Minute

// SlackConfig holds the secret of the Slack adapter.
type SlackConfig struct {
	// SigningSecret is the app's signing secret (Basic Information in the
	// app settings). Empty, every delivery is refused with
	// ErrNotConfigured.
	SigningSecret string
}

// Slack normalizes Events API requests. A url_verification request is
// answered with its challenge; an event_callback carrying a "message" or
// "app_mention" event becomes:
//
//   - a new item for a user's message (no subtype, "file_share",
//     "thread_broadcast", "me_message") and for an app mention;
//   - an edit for "message_changed" when the text changed (link unfurls
//     and new replies change other fields and are skipped), a delete when
//     the new message is a "tombstone" (a thread root deleted);
//   - a delete for "message_deleted";
//   - nothing, with a reason, for bots' messages ("bot_message" or a
//     bot_id), joins, leaves, topic changes and other events.
//
// Slack's ts is unique only within a channel, so external_id is
// "<channel>:<ts>", and thread_id and parent_id, which name the thread's
// root message, are "<channel>:<thread_ts>": thread_id is set whenever
// thread_ts is (a root with replies has thread_ts = ts), parent_id only
// for a reply. Author is the user id; created_at comes from ts; the text
// has Slack's &lt; &gt; &amp; escapes undone and keeps its <@U123> and
// <url|label> markup. Metadata holds team_id, channel, ts, thread_ts,
// event_id and files (attachments). Slack's retries (X-Slack-Retry-Num)
// repeat the same external ids, which ingestion deduplicates.
type Slack struct {
	cfg SlackConfig
}

var _ Adapter = (*Slack)(nil)

// NewSlack returns the Slack adapter.
func NewSlack(cfg SlackConfig) *Slack { return &Slack{cfg: cfg} }

// Name returns "slack".
func (*Slack) Name() string { return "slack" }

// Verify checks X-Slack-Signature, in constant time, and that
// X-Slack-Request-Timestamp is within SlackTolerance of now.
func (s *Slack) Verify(h http.Header, body []byte, now time.Time) error {
	if s.cfg.SigningSecret == "" {
		return ErrNotConfigured
	}
	ts, sig := h.Get(SlackHeaderTimestamp), h.Get(SlackHeaderSignature)
	if ts == "" || sig == "" {
		return unauthorized("missing %s or %s header", SlackHeaderTimestamp, SlackHeaderSignature)
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return unauthorized("%s %q is not Unix seconds", SlackHeaderTimestamp, ts)
	}
	if !fresh(time.Unix(sec, 0), now, SlackTolerance) {
		return unauthorized("%s is more than %s from now", SlackHeaderTimestamp, SlackTolerance)
	}
	if !equalMAC([]byte(slackSign(s.cfg.SigningSecret, ts, body)), []byte(sig)) {
		return unauthorized("%s does not match", SlackHeaderSignature)
	}
	return nil
}

// slackSign returns the X-Slack-Signature of body sent at timestamp (the
// X-Slack-Request-Timestamp value): "v0=" + hex HMAC-SHA256 of
// "v0:<timestamp>:<body>" with the signing secret.
func slackSign(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("v0:" + timestamp + ":"))
	m.Write(body)
	return "v0=" + hex.EncodeToString(m.Sum(nil))
}

// slackEnvelope is an Events API request.
type slackEnvelope struct {
	Type      string          `json:"type"`
	Challenge string          `json:"challenge"`
	TeamID    string          `json:"team_id"`
	EventID   string          `json:"event_id"`
	Event     json.RawMessage `json:"event"`
}

// Decode normalizes an Events API request. Every item it returns passes
// NewItem validation; a payload that would not is ErrMalformed.
func (s *Slack) Decode(body []byte, now time.Time) (Delivery, error) {
	var env slackEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return Delivery{}, malformed("slack: %v", err)
	}
	var out Delivery
	switch env.Type {
	case "url_verification":
		resp, err := json.Marshal(map[string]string{"challenge": env.Challenge})
		if err != nil {
			return Delivery{}, malformed("slack: challenge: %v", err)
		}
		return Delivery{Response: resp}, nil
	case "event_callback":
		if len(bytes.TrimSpace(env.Event)) == 0 || string(bytes.TrimSpace(env.Event)) == "null" {
			return Delivery{}, malformed("slack: an event_callback without an event")
		}
		var err error
		if out, err = slackDecodeEvent(&env, now); err != nil {
			return Delivery{}, err
		}
	case "":
		return Delivery{}, malformed(`slack: the request has no "type"`)
	default:
		out.Skipped = []string{"slack: request type " + slackShort(env.Type) + " carries no message"}
	}
	if err := out.Validate(now); err != nil {
		return Delivery{}, err
	}
	return out, nil
}
