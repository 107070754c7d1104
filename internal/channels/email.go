package channels

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"github.com/triage-oss/triage/internal/items"
)

// Limits on the work one email does.
const (
	emailMaxDepth = 10  // nested multiparts
	emailMaxParts = 100 // MIME parts per message
	emailMaxIDs   = 50  // ids kept from References, addresses from To and Cc
	// emailMaxBodyBytes bounds the body searched for quoted history.
	emailMaxBodyBytes = 4 * items.MaxTextBytes
	// emailMaxMessages bounds the messages of one mbox delivery: 16 MiB of
	// real mail holds fewer.
	emailMaxMessages = 10000
)

// EmailConfig configures the email adapter.
type EmailConfig struct {
	// RelaySecret is shared with the inbound-mail hook, which signs each
	// raw message it posts (see verifyRelay). Empty refuses webhook
	// deliveries with ErrNotConfigured; `triage ingest` does not need it.
	RelaySecret string
	// OwnAddresses are the team's sending addresses (support@example.com):
	// a message from one of them is the team's own mail coming back and is
	// skipped. Compared case-insensitively; "Name <addr>" is accepted.
	OwnAddresses []string
}

// Email is the adapter of the "email" channel. A delivery is one raw RFC
// 5322 message, as an inbound-mail hook posts it or as a .eml file holds
// it, or an mbox file ("From " lines between messages), each message an
// event:
//
//	email := channels.NewEmail(channels.EmailConfig{
//		RelaySecret:  os.Getenv("TRIAGE_EMAIL_SECRET"),
//		OwnAddresses: []string{"support@example.com"},
//	})
//	d, err := email.Decode(raw, time.Now())
//
// An item's external_id is the Message-ID without its angle brackets (or
// "sha256:" and the hex SHA-256 of the message, line endings as LF, when
// it has none), parent_id the first In-Reply-To id, thread_id the first
// References id (the thread root) or else the In-Reply-To id, author the
// lower-cased From address. Its text is "Subject: <subject>", a blank line
// and the body the author wrote now: the plain-text alternative, or the
// HTML one as text, without the quoted history of a reply or the
// signature. Auto-replies, bounces, other automatic reports and mail from
// OwnAddresses are skipped.
type Email struct {
	secret string
	own    map[string]bool
}

var _ Adapter = (*Email)(nil)

// NewEmail returns the email adapter.
func NewEmail(cfg EmailConfig) *Email {
	e := &Email{secret: cfg.RelaySecret, own: map[string]bool{}}
	for _, a := range cfg.OwnAddresses {
		if addr, err := mail.ParseAddress(a); err == nil {
			a = addr.Address
		}
		if a = strings.ToLower(strings.TrimSpace(a)); a != "" {
			e.own[a] = true
		}
	}
	return e
}

// Name returns "email".
func (*Email) Name() string { return "email" }

// Verify checks the relay signature the inbound-mail hook puts on the raw
// message; it returns ErrNotConfigured without a RelaySecret.
func (e *Email) Verify(h http.Header, body []byte, now time.Time) error {
	return verifyRelay(e.secret, h, body, now)
}

// Decode normalizes a raw message or an mbox file. A single message that
// cannot be read is an error matching ErrMalformed; in an mbox it is
// skipped with the reason, and only an mbox with no readable message is an
// error.
func (e *Email) Decode(body []byte, now time.Time) (Delivery, error) {
	body = bytes.TrimLeft(bytes.TrimPrefix(body, []byte("\uFEFF")), "\r\n") // a BOM or blank lines some tools save first
	if len(bytes.TrimSpace(body)) == 0 {
		return Delivery{}, malformed("empty email message")
	}
	if !emailIsMbox(body) {
		var d Delivery
		if err := e.decodeInto(&d, body, now); err != nil {
			return Delivery{}, err
		}
		return d, nil
	}
	return e.decodeMbox(body, now)
}

// decodeMbox decodes each message of an mbox file.
func (e *Email) decodeMbox(body []byte, now time.Time) (Delivery, error) {
	var d Delivery
	msgs, left := emailSplitMbox(body, emailMaxMessages)
	if left > 0 {
		d.Skipped = append(d.Skipped, fmt.Sprintf("mbox: %d message(s) after the first %d left out; split the file", left, emailMaxMessages))
	}
	var firstErr error
	bad := 0
	for i, raw := range msgs {
		if err := e.decodeInto(&d, raw, now); err != nil {
			bad++
			if firstErr == nil {
				firstErr = err
			}
			d.Skipped = append(d.Skipped, fmt.Sprintf("mbox message %d: %v", i+1, err))
		}
	}
	if bad == len(msgs) {
		return Delivery{}, fmt.Errorf("mbox with %d message(s), none readable: %w", len(msgs), firstErr)
	}
	return d, nil
}

// decodeInto adds one message's event, or the reason it is skipped, to d.
func (e *Email) decodeInto(d *Delivery, raw []byte, now time.Time) error {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return malformed("email headers: %v", err)
	}
	if !emailLooksLikeMail(msg.Header) {
		return malformed("not an email message: no From, Date, Message-ID or Subject header")
	}
	m := &emailMessage{header: msg.Header}
	m.readHeader()
	if reason := e.skipReason(m); reason != "" {
		d.Skipped = append(d.Skipped, m.label(raw)+": "+reason)
		return nil
	}
	content := m.readBody(msg.Body)
	ev, ok := m.event(raw, content, now)
	if !ok {
		d.Skipped = append(d.Skipped, m.label(raw)+": empty message (no subject, text or attachment)")
		return nil
	}
	d.Events = append(d.Events, ev)
	return nil
}

// emailLooksLikeMail reports whether h has a header every email has.
func emailLooksLikeMail(h mail.Header) bool {
	for _, k := range []string{"From", "Sender", "Date", "Message-Id", "Subject"} {
		if _, ok := h[k]; ok {
			return true
		}
	}
	return false
}

// skipReason says why a message is not an item, or "" when it is one.
func (e *Email) skipReason(m *emailMessage) string {
	if m.from != "" && e.own[m.from] {
		return "sent from the team's own address " + m.from
	}
	return emailAutomatic(m)
}

// event builds the item of a message; false when it has nothing to say.
func (m *emailMessage) event(raw []byte, c emailContent, now time.Time) (Event, bool) {
	text, stripped, cut := m.text(c)
	if text == "" {
		return Event{}, false
	}
	meta := m.metadata(c)
	meta["quoted_stripped"] = emailTrue(stripped)
	meta["text_truncated"] = emailTrue(cut)
	meta["charset_fallback"] = emailTrue(m.charsetFallback || c.charsetFallback)
	meta["mime_truncated"] = emailTrue(c.truncated)
	return Event{Kind: KindMessage, Item: items.NewItem{
		Channel:    "email",
		ExternalID: m.externalID(raw),
		Author:     m.from,
		Text:       text,
		CreatedAt:  m.createdAt(now),
		ThreadID:   m.threadID(),
		ParentID:   m.parentID(),
		Metadata:   Metadata(meta),
	}}, true
}

// text is an item's text: "Subject: <subject>", a blank line and the body
// without its quoted history, or the list of attachments when there is no
// body. It reports whether quoted history was removed and whether the
// text was cut to items.MaxTextBytes.
func (m *emailMessage) text(c emailContent) (text string, stripped, cut bool) {
	// The text keeps items.MaxTextBytes at most: what lies far beyond
	// cannot change it, so the quote search stops there.
	body := emailClip(c.body(), emailMaxBodyBytes)
	body, stripped = emailStripQuotes(body, emailIsForward(m.subject))
	body = emailTrimLines(body)
	if body == "" && len(c.atts) > 0 {
		body = AttachmentsOnly(c.atts)
	}
	if m.subject != "" {
		body = "Subject: " + m.subject + "\n\n" + body
	}
	text, cut = Text(body)
	return text, stripped, cut
}

// emailTrue returns true for a flag that is set and nil (left out of the
// metadata) otherwise.
func emailTrue(b bool) any {
	if b {
		return true
	}
	return nil
}

// externalID is the Message-ID, or a hash of the message when it has none,
// so that a redelivery of the same message is the same item.
func (m *emailMessage) externalID(raw []byte) string {
	if m.messageID != "" {
		return m.messageID
	}
	norm := bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))
	sum := sha256.Sum256(bytes.TrimRight(norm, "\n"))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// label names a message in a skip reason.
func (m *emailMessage) label(raw []byte) string {
	return "email " + m.externalID(raw)
}
