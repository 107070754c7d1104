package drafts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/triage-oss/triage/internal/routing"
)

// Outgoing is an approved reply on its way to its channel.
type Outgoing struct {
	DraftID    int64     `json:"draft_id"`
	ItemID     int64     `json:"item_id"`
	Channel    string    `json:"channel"`
	ExternalID string    `json:"external_id"` // the message replied to
	ThreadID   string    `json:"thread_id,omitempty"`
	Author     string    `json:"author,omitempty"`
	URL        string    `json:"url,omitempty"`
	Body       string    `json:"body"`
	ApprovedBy string    `json:"approved_by"`
	ApprovedAt time.Time `json:"approved_at"`
	// Metadata is the item's channel metadata: the platform ids a
	// platform sender replies with (chat_id, channel, ts...).
	Metadata json.RawMessage `json:"metadata,omitempty"`
}

// Sender delivers approved replies. Errors wrapping ErrPermanent are not
// retried.
type Sender interface {
	Send(ctx context.Context, o Outgoing) error
}

// ErrPermanent marks a delivery failure that retrying will not fix.
var ErrPermanent = errors.New("permanent delivery failure")

// NoSender is the sender when none is configured: every delivery fails,
// permanently and visibly, so an approved reply is never reported as sent
// when it was not.
type NoSender struct{}

// Send fails.
func (NoSender) Send(context.Context, Outgoing) error {
	return fmt.Errorf("%w: no sender is configured (set TRIAGE_SEND_WEBHOOK_URL)", ErrPermanent)
}

// Webhook posts each reply as JSON to a URL. With a secret, the body is
// signed like every webhook Triage sends (routing.Sign): X-Triage-Timestamp
// (Unix seconds) and X-Triage-Signature: sha256=<hex HMAC-SHA256 of
// "<timestamp>.<body>">, so a receiver can refuse a replay (routing.Verify).
// Idempotency-Key names the draft, so a receiver can drop a redelivery.
type Webhook struct {
	URL    string
	Secret string
	Client *http.Client // http.DefaultClient with a 30 s timeout when nil
}

var _ Sender = (*Webhook)(nil)

// Send posts o. A 2xx answer is success; 408, 429 and 5xx are worth
// retrying; any other answer is permanent.
func (w *Webhook) Send(ctx context.Context, o Outgoing) error {
	body, err := json.Marshal(o)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrPermanent, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "triage")
	req.Header.Set("Idempotency-Key", "triage-draft-"+strconv.FormatInt(o.DraftID, 10))
	if w.Secret != "" {
		now := time.Now()
		req.Header.Set(routing.HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
		req.Header.Set(routing.HeaderSignature, routing.Sign(w.Secret, now, body))
	}
	client := w.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("post reply to %s: %w", w.URL, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500:
		return fmt.Errorf("post reply to %s: %s: %s", w.URL, resp.Status, msg)
	}
	return fmt.Errorf("%w: post reply to %s: %s: %s", ErrPermanent, w.URL, resp.Status, msg)
}
