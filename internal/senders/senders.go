// Package senders delivers approved replies on the platform they answer:
// Slack (chat.postMessage in the thread), Discord (a reply to the
// message), Telegram (sendMessage replying to the message). A platform
// sender is used only when its bot token is configured; every other reply
// goes to the send webhook (drafts.Webhook), or fails visibly when there
// is none. Each sender speaks the platform's HTTP API and classifies
// failures: rate limits and server errors are retried by the send job,
// refusals (a revoked token, a deleted chat) are permanent.
package senders

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/triage-oss/triage/internal/drafts"
)

// Router sends each reply with its channel's sender, or Fallback.
type Router struct {
	ByChannel map[string]drafts.Sender
	Fallback  drafts.Sender
}

var _ drafts.Sender = (*Router)(nil)

// Send delivers o with the sender of its channel.
func (r *Router) Send(ctx context.Context, o drafts.Outgoing) error {
	if s, ok := r.ByChannel[o.Channel]; ok {
		return s.Send(ctx, o)
	}
	return r.Fallback.Send(ctx, o)
}

// Channels lists the channels with a platform sender, sorted.
func (r *Router) Channels() []string {
	out := make([]string, 0, len(r.ByChannel))
	for c := range r.ByChannel {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// metadata holds the platform ids of an item's metadata that senders
// reply with (the keys the channel adapters write).
type metadata struct {
	ChatID    json.Number `json:"chat_id"`    // telegram
	MessageID json.Number `json:"message_id"` // telegram (a number)
	Channel   string      `json:"channel"`    // slack
	TS        string      `json:"ts"`         // slack
	ThreadTS  string      `json:"thread_ts"`  // slack
	ChannelID string      `json:"channel_id"` // discord
}

func readMetadata(o drafts.Outgoing) (metadata, error) {
	var m metadata
	if len(o.Metadata) == 0 {
		return m, fmt.Errorf("%w: item %d has no channel metadata to reply with", drafts.ErrPermanent, o.ItemID)
	}
	dec := json.NewDecoder(bytes.NewReader(o.Metadata))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return m, fmt.Errorf("%w: item %d metadata: %v", drafts.ErrPermanent, o.ItemID, err)
	}
	return m, nil
}

// client is the HTTP side every sender shares.
type client struct {
	http *http.Client
}

func newClient(c *http.Client) client {
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second}
	}
	return client{http: c}
}

// post sends a JSON body and returns the status and (bounded) answer.
// Network errors are retryable; the error never holds the request URL,
// which may carry a token.
func (c client) post(ctx context.Context, platform, url string, header http.Header, payload any) (int, []byte, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return 0, nil, fmt.Errorf("%w: %v", drafts.ErrPermanent, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, fmt.Errorf("%w: %s: bad request", drafts.ErrPermanent, platform)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "triage")
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, nil, ctx.Err()
		}
		return 0, nil, fmt.Errorf("%s: send reply: connection failed", platform)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, answer, nil
}

// classify turns an HTTP status into the send job's decision: nil for
// 2xx, a retryable error for 408/429/5xx, a permanent one otherwise.
func classify(platform string, status int, answer []byte) error {
	msg := strings.TrimSpace(string(answer))
	if len(msg) > 300 {
		msg = msg[:300]
	}
	switch {
	case status >= 200 && status < 300:
		return nil
	case status == http.StatusRequestTimeout, status == http.StatusTooManyRequests, status >= 500:
		return fmt.Errorf("%s: HTTP %d: %s", platform, status, msg)
	}
	return fmt.Errorf("%w: %s: HTTP %d: %s", drafts.ErrPermanent, platform, status, msg)
}
