package channels_test

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/triage-oss/triage/internal/channels"
	"github.com/triage-oss/triage/internal/routing"
)

// An integrator's script posts a forum thread to Triage through the
// generic webhook: it signs the body with the shared secret, and Triage
// verifies and normalizes it.
func ExampleWebhook() {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	body := []byte(`{"events": [
		{"event": "message", "item": {"channel": "forum", "external_id": "5521", "author": "dana",
			"text": "The app logs me out every few minutes.", "created_at": "2026-03-01T11:58:00Z"}},
		{"event": "delete", "item": {"channel": "forum", "external_id": "5400"}}
	]}`)

	// The sender's side.
	h := http.Header{}
	h.Set(routing.HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	h.Set(routing.HeaderSignature, routing.Sign("shared-secret", now, body))

	// Triage's side.
	hook := channels.NewWebhook(channels.WebhookConfig{Secret: "shared-secret"})
	if err := hook.Verify(h, body, now); err != nil {
		fmt.Println(err)
		return
	}
	d, err := hook.Decode(body, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range d.Events {
		fmt.Println(e.Kind, e.Item.Channel, e.Item.ExternalID, e.Item.Text)
	}
	// Output:
	// message forum 5521 The app logs me out every few minutes.
	// delete forum 5400
}
