package channels_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/channels"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/routing"
)

// webhookNow is the test clock.
var webhookNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func webhookFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "webhook", name))
	require.NoError(t, err)
	return b
}

// webhookRequireEvents compares events with their expected JSON.
func webhookRequireEvents(t *testing.T, want string, got []channels.Event) {
	t.Helper()
	b, err := json.Marshal(got)
	require.NoError(t, err)
	require.JSONEq(t, want, string(b))
}

func TestWebhookDecode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fixture string
		events  string // JSON of the events
		err     string // a part of the ErrMalformed message instead
	}{
		{
			fixture: "single.json",
			events: `[{"Kind":"message","Item":{"channel":"webhook","external_id":"forum-post-5521","author":"dana",
				"text":"The mobile app logs me out every few minutes since the last update.",
				"url":"https://forum.example.com/t/5521","created_at":"2026-02-28T08:00:00Z",
				"metadata":{"forum_category":"mobile","votes":12}}}]`,
		},
		{
			// The second item's created_at is ahead of the clock: now.
			fixture: "batch.json",
			events: `[{"Kind":"message","Item":{"channel":"forum","external_id":"5522","author":"eli",
					"text":"Is there a dark mode on the roadmap?","url":"https://forum.example.com/t/5522",
					"created_at":"2026-02-28T08:30:00+01:00","metadata":{}}},
				{"Kind":"message","Item":{"channel":"app_review","external_id":"gp:review:3f9a1c","author":"Frank",
					"text":"★☆☆☆☆ Crashes on launch since 4.2.1","created_at":"2026-03-01T12:00:00Z",
					"metadata":{"store":"google_play","rating":1}}}]`,
		},
		{
			fixture: "items.json",
			events: `[{"Kind":"message","Item":{"channel":"webhook","external_id":"ticket-77","author":"grace@example.com",
					"text":"Please delete my account and all my data.","metadata":{}}},
				{"Kind":"message","Item":{"channel":"webhook","external_id":"ticket-77-r1","author":"grace@example.com",
					"text":"Any update on this?","thread_id":"ticket-77","parent_id":"ticket-77","metadata":{}}}]`,
		},
		{
			fixture: "edit_envelope.json",
			events: `[{"Kind":"edit","Item":{"channel":"forum","external_id":"5522","author":"eli",
				"text":"Is there a dark mode on the roadmap? (I mean for the web app)","url":"https://forum.example.com/t/5522",
				"created_at":"2026-02-28T07:30:00Z","metadata":{}}}]`,
		},
		{
			fixture: "events.json",
			events: `[{"Kind":"message","Item":{"channel":"webhook","external_id":"hook-1",
					"text":"Refund still not received after 14 days","metadata":{}}},
				{"Kind":"delete","Item":{"channel":"forum","external_id":"5400","text":""}}]`,
		},
		{fixture: "unknown_field.json", err: `events[0]: json: unknown field "txt"`},
		{fixture: "unknown_channel.json", err: `events[0].channel: unknown channel "myspace"`},
		{fixture: "bad_event.json", err: `envelope.event: "upsert"; want "message", "edit" or "delete"`},
	}
	a := channels.NewWebhook(channels.WebhookConfig{})
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			d, err := a.Decode(webhookFixture(t, tt.fixture), webhookNow)
			if tt.err != "" {
				require.ErrorIs(t, err, channels.ErrMalformed)
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			require.NoError(t, d.Validate(webhookNow))
			require.Empty(t, d.Skipped)
			require.Empty(t, d.Response)
			webhookRequireEvents(t, tt.events, d.Events)
		})
	}
}

func TestWebhookDecodeCleansText(t *testing.T) {
	t.Parallel()
	t.Run("long text is cut and marked", func(t *testing.T) {
		t.Parallel()
		body, err := json.Marshal(map[string]any{
			"external_id": "long-1", "text": strings.Repeat("ü", 40000), "metadata": map[string]any{"source": "cli"},
		})
		require.NoError(t, err)
		d, err := channels.NewWebhook(channels.WebhookConfig{}).Decode(body, webhookNow)
		require.NoError(t, err)
		it := d.Events[0].Item
		require.LessOrEqual(t, len(it.Text), items.MaxTextBytes)
		require.True(t, strings.HasSuffix(it.Text, "ü […]"))
		require.JSONEq(t, `{"source":"cli","truncated":true}`, string(it.Metadata))
	})
	t.Run("NUL and invalid UTF-8", func(t *testing.T) {
		t.Parallel()
		body := []byte(`{"external_id":"odd-1","text":"  a\u0000b ` + "\xff" + `  "}`)
		d, err := channels.NewWebhook(channels.WebhookConfig{}).Decode(body, webhookNow)
		require.NoError(t, err)
		require.Equal(t, "ab \uFFFD", d.Events[0].Item.Text)
	})
	t.Run("empty batch", func(t *testing.T) {
		t.Parallel()
		d, err := channels.NewWebhook(channels.WebhookConfig{}).Decode([]byte(`{"items":[]}`), webhookNow)
		require.NoError(t, err)
		require.Empty(t, d.Events)
		require.Equal(t, []string{"webhook: the payload holds no items"}, d.Skipped)
	})
}

func TestWebhookDecodeMalformed(t *testing.T) {
	t.Parallel()
	many := "[" + strings.Repeat(`{"external_id":"x","text":"y"},`, items.MaxBatch) + `{"external_id":"x","text":"y"}]`
	tests := []struct{ name, body, contains string }{
		{"empty", "", "empty body"},
		{"not json", "hello", "JSON object or array"},
		{"string", `"hello"`, "JSON object or array"},
		{"trailing data", `{"external_id":"1","text":"x"} {}`, "invalid character"},
		{"array of strings", `["a"]`, "events[0]: json: cannot unmarshal string"},
		{"too many items", many, "1001 items; at most 1000 allowed"},
		{"items with other keys", `{"items":[],"source":"cli"}`, `unknown field "source"`},
		{"items not an array", `{"items":{"text":"x"}}`, "want an array of item objects"},
		{"envelope without item", `{"event":"edit"}`, "envelope.item: required"},
		{"envelope with extra key", `{"event":"edit","item":{"external_id":"1","text":"x"},"at":1}`, `unknown field "at"`},
		{"events entry", `{"events":[{"event":"message","item":{"external_id":"1","text":"x"}},{"event":"remove","item":{}}]}`,
			`events[1].event: "remove"`},
		{"blank text", `{"external_id":"1","text":"   "}`, "events[0].text: required and must not be blank"},
		{"no external id", `{"text":"hi"}`, "events[0].external_id: required"},
		{"metadata not an object", `{"external_id":"1","text":"x","metadata":[1]}`, "events[0].metadata: must be a JSON object"},
		{"created_at not RFC 3339", `{"external_id":"1","text":"x","created_at":"yesterday"}`, "events[0].created_at"},
		{"NUL in author", `{"external_id":"1","text":"x","author":"a\u0000"}`, "events[0].author: must not contain NUL"},
		{"url not http", `{"external_id":"1","text":"x","url":"javascript:alert(1)"}`, "events[0].url"},
		{"delete without id", `{"event":"delete","item":{"channel":"forum"}}`, "events[0]: a delete names the channel and the external id"},
		{"delete id too long", `{"event":"delete","item":{"external_id":"` + strings.Repeat("x", 300) + `"}}`, "events[0].external_id: 300 bytes"},
		{"typed field", `{"external_id":1,"text":"x"}`, "cannot unmarshal number"},
	}
	a := channels.NewWebhook(channels.WebhookConfig{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := a.Decode([]byte(tt.body), webhookNow)
			require.ErrorIs(t, err, channels.ErrMalformed)
			require.ErrorContains(t, err, tt.contains)
		})
	}
}

func TestWebhookVerify(t *testing.T) {
	t.Parallel()
	const secret = "webhook-secret"
	body := webhookFixture(t, "single.json")
	sign := func(secret string, at time.Time, body []byte) http.Header {
		h := http.Header{}
		h.Set(routing.HeaderTimestamp, strconv.FormatInt(at.Unix(), 10))
		h.Set(routing.HeaderSignature, routing.Sign(secret, at, body))
		return h
	}
	a := channels.NewWebhook(channels.WebhookConfig{Secret: secret})

	t.Run("good signature", func(t *testing.T) {
		t.Parallel()
		require.NoError(t, a.Verify(sign(secret, webhookNow.Add(-time.Minute), body), body, webhookNow))
	})
	refused := []struct {
		name   string
		header http.Header
		body   []byte
	}{
		{"wrong secret", sign("guess", webhookNow, body), body},
		{"tampered body", sign(secret, webhookNow, body), []byte(strings.Replace(string(body), "dana", "dan", 1))},
		{"stale timestamp", sign(secret, webhookNow.Add(-6*time.Minute), body), body},
		{"missing signature", func() http.Header {
			h := sign(secret, webhookNow, body)
			h.Del(routing.HeaderSignature)
			return h
		}(), body},
		{"missing timestamp", func() http.Header {
			h := sign(secret, webhookNow, body)
			h.Del(routing.HeaderTimestamp)
			return h
		}(), body},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.ErrorIs(t, a.Verify(tt.header, tt.body, webhookNow), channels.ErrUnauthorized)
		})
	}
	t.Run("no secret", func(t *testing.T) {
		t.Parallel()
		err := channels.NewWebhook(channels.WebhookConfig{}).Verify(sign(secret, webhookNow, body), body, webhookNow)
		require.ErrorIs(t, err, channels.ErrNotConfigured)
	})
}

func FuzzWebhookDecode(f *testing.F) {
	entries, err := os.ReadDir(filepath.Join("testdata", "webhook"))
	require.NoError(f, err)
	for _, e := range entries {
		f.Add(webhookFixture(f, e.Name()))
	}
	f.Add([]byte(`{"events":[{"event":"delete","item":{"channel":"x","external_id":"1"}}]}`))
	f.Add([]byte(`[{"external_id":"1","text":"x","created_at":"2999-01-01T00:00:00Z","metadata":null}]`))
	a := channels.NewWebhook(channels.WebhookConfig{})
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := a.Decode(body, webhookNow)
		if err != nil {
			require.ErrorIs(t, err, channels.ErrMalformed)
			return
		}
		require.NoError(t, d.Validate(webhookNow))
	})
}
