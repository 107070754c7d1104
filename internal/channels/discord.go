package channels

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/routing"
)

// Headers of a Discord interaction webhook.
const (
	DiscordHeaderSignature = "X-Signature-Ed25519"   // hex Ed25519 signature of timestamp+body
	DiscordHeaderTimestamp = "X-Signature-Timestamp" // Unix seconds, signed with the body
)

// DiscordConfig holds the secrets of the Discord adapter. Either may be
// empty; deliveries of that kind are then refused with ErrNotConfigured.
type DiscordConfig struct {
	// PublicKey is the application's public key from the developer portal
	// (64 hex characters); it verifies interaction webhooks.
	PublicKey string
	// RelaySecret signs gateway events relayed by the team's bot
	// (X-Triage-Signature, see routing.Sign).
	RelaySecret string
}

// Discord normalizes two kinds of deliveries on one route:
//
//   - Interaction webhooks signed by Discord (X-Signature-Ed25519): PING is
//     answered with {"type":1}; a message command such as a "Report to
//     Triage" context-menu entry becomes a new item of the target message,
//     answered with an ephemeral confirmation.
//   - Gateway dispatches relayed by the team's bot and signed with
//     RelaySecret: {"t":"MESSAGE_CREATE","d":{...}}, or an array of them.
//     MESSAGE_CREATE is a new item, MESSAGE_UPDATE an edit, MESSAGE_DELETE
//     and MESSAGE_DELETE_BULK deletes; other events are skipped.
//
// A message maps to an item as follows: external_id is the message id,
// author the username, text the content (or a note listing its
// attachments), url its jump link, created_at its timestamp (never later
// than now). thread_id is the thread's channel id (which Discord makes equal
// to the id of the message that started the thread) when the message is in
// a thread (it carries "position", or the interaction's channel is a
// thread) or started one ("thread"); parent_id is the replied-to message id.
// Metadata holds guild_id, channel_id, message_id, author_id, global_name,
// edited_timestamp and attachments. Bots' messages, webhook posts and
// system messages (joins, pins, boosts) are skipped with a reason.
type Discord struct {
	cfg    DiscordConfig
	key    ed25519.PublicKey // nil when PublicKey is empty or invalid
	keyErr error
}

var _ Adapter = (*Discord)(nil)

// NewDiscord returns the Discord adapter. An invalid PublicKey is reported
// by Verify as ErrNotConfigured.
func NewDiscord(cfg DiscordConfig) *Discord {
	d := &Discord{cfg: cfg}
	if cfg.PublicKey == "" {
		return d
	}
	k, err := hex.DecodeString(cfg.PublicKey)
	if err != nil || len(k) != ed25519.PublicKeySize {
		d.keyErr = fmt.Errorf("%w: the Discord public key must be %d hex characters", ErrNotConfigured, 2*ed25519.PublicKeySize)
		return d
	}
	d.key = k
	return d
}

// Name returns "discord".
func (*Discord) Name() string { return "discord" }

// Verify checks an interaction's Ed25519 signature when
// X-Signature-Ed25519 is present (the signed timestamp must be within
// RelayTolerance of now), and the relay signature otherwise.
func (d *Discord) Verify(h http.Header, body []byte, now time.Time) error {
	switch {
	case h.Get(DiscordHeaderSignature) != "":
		return d.verifyInteraction(h, body, now)
	case h.Get(routing.HeaderSignature) != "" || d.cfg.PublicKey == "":
		return verifyRelay(d.cfg.RelaySecret, h, body, now)
	default:
		return unauthorized("missing %s or %s header", DiscordHeaderSignature, routing.HeaderSignature)
	}
}

func (d *Discord) verifyInteraction(h http.Header, body []byte, now time.Time) error {
	switch {
	case d.cfg.PublicKey == "":
		return ErrNotConfigured
	case d.keyErr != nil:
		return d.keyErr
	}
	ts := h.Get(DiscordHeaderTimestamp)
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return unauthorized("%s %q is not Unix seconds", DiscordHeaderTimestamp, ts)
	}
	if !fresh(time.Unix(sec, 0), now, RelayTolerance) {
		return unauthorized("%s is more than %s from now", DiscordHeaderTimestamp, RelayTolerance)
	}
	sig, err := hex.DecodeString(h.Get(DiscordHeaderSignature))
	if err != nil || len(sig) != ed25519.SignatureSize {
		return unauthorized("%s is not a hex Ed25519 signature", DiscordHeaderSignature)
	}
	msg := make([]byte, 0, len(ts)+len(body))
	if !ed25519.Verify(d.key, append(append(msg, ts...), body...), sig) {
		return unauthorized("Ed25519 signature does not match")
	}
	return nil
}

// Decode normalizes an interaction or relayed gateway events. Every item
// it returns passes NewItem validation; a payload that would not is
// ErrMalformed.
func (d *Discord) Decode(body []byte, now time.Time) (Delivery, error) {
	body = bytes.TrimSpace(body)
	var (
		out Delivery
		err error
	)
	switch {
	case len(body) == 0:
		return Delivery{}, malformed("empty body")
	case body[0] == '[':
		out, err = discordDecodeDispatches(body, now)
	case body[0] == '{':
		out, err = discordDecodeObject(body, now)
	default:
		return Delivery{}, malformed("a Discord payload is a JSON object or array")
	}
	if err != nil {
		return Delivery{}, err
	}
	if err := out.Validate(now); err != nil {
		return Delivery{}, err
	}
	return out, nil
}

// discordDecodeObject tells a gateway dispatch ("t", "d") from an
// interaction ("type").
func discordDecodeObject(body []byte, now time.Time) (Delivery, error) {
	var probe struct {
		T    *string         `json:"t"`
		D    json.RawMessage `json:"d"`
		Type json.RawMessage `json:"type"`
	}
	if err := json.Unmarshal(body, &probe); err != nil {
		return Delivery{}, malformed("discord: %v", err)
	}
	switch {
	case probe.T != nil || probe.D != nil:
		var out Delivery
		return out, discordDecodeDispatch(&out, body, "discord", now)
	case probe.Type != nil:
		return discordDecodeInteraction(body, now)
	default:
		return Delivery{}, malformed(`discord: neither a gateway dispatch ("t", "d") nor an interaction ("type")`)
	}
}

func discordDecodeDispatches(body []byte, now time.Time) (Delivery, error) {
	var list []json.RawMessage
	if err := json.Unmarshal(body, &list); err != nil {
		return Delivery{}, malformed("discord: %v", err)
	}
	if len(list) > items.MaxBatch {
		return Delivery{}, malformed("discord: %d dispatches; at most %d allowed", len(list), items.MaxBatch)
	}
	var out Delivery
	for i, raw := range list {
		if err := discordDecodeDispatch(&out, raw, fmt.Sprintf("discord[%d]", i), now); err != nil {
			return Delivery{}, err
		}
	}
	return out, nil
}
