package channels_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
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
)

// slackNow is the test clock: the fixtures were sent shortly before.
var slackNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func slackFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "slack", name))
	require.NoError(t, err)
	return b
}

// slackRequireEvents compares events with their expected JSON ("" for
// none).
func slackRequireEvents(t *testing.T, want string, got []channels.Event) {
	t.Helper()
	if want == "" {
		require.Empty(t, got)
		return
	}
	b, err := json.Marshal(got)
	require.NoError(t, err)
	require.JSONEq(t, want, string(b))
}

// slackCallback wraps an event in an event_callback request.
func slackCallback(event string) []byte {
	return []byte(`{"type":"event_callback","team_id":"T1","event_id":"Ev1","event":` + event + `}`)
}

func TestSlackDecode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fixture  string
		events   string
		skipped  []string
		response string
	}{
		{fixture: "url_verification.json", response: `{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}`},
		{
			fixture: "message.json",
			events: `[{"Kind":"message","Item":{"channel":"slack","external_id":"C0HELP1234:1772270100.000100","author":"U0ALICE001",
				"text":"Checkout says <error 502> when I pay with PayPal & Visa. Any idea? <https://shop.example.com/cart|my cart>",
				"created_at":"2026-02-28T09:15:00.0001Z",
				"metadata":{"team_id":"T0A1B2C3D","channel":"C0HELP1234","ts":"1772270100.000100","event_id":"Ev0MSG00001"}}}]`,
		},
		{
			fixture: "thread_reply.json",
			events: `[{"Kind":"message","Item":{"channel":"slack","external_id":"C0HELP1234:1772270400.000200","author":"U0BOB00002",
				"text":"Same for me, only with Visa though","created_at":"2026-02-28T09:20:00.0002Z",
				"thread_id":"C0HELP1234:1772270100.000100","parent_id":"C0HELP1234:1772270100.000100",
				"metadata":{"team_id":"T0A1B2C3D","channel":"C0HELP1234","ts":"1772270400.000200","thread_ts":"1772270100.000100",
					"event_id":"Ev0MSG00002"}}}]`,
		},
		{
			fixture: "message_changed.json",
			events: `[{"Kind":"edit","Item":{"channel":"slack","external_id":"C0HELP1234:1772270100.000100","author":"U0ALICE001",
				"text":"Checkout says <error 502> when I pay with Visa (PayPal works now).","created_at":"2026-02-28T09:15:00.0001Z",
				"metadata":{"team_id":"T0A1B2C3D","channel":"C0HELP1234","ts":"1772270100.000100","event_id":"Ev0MSG00003",
					"edited_ts":"1772270700.000000"}}}]`,
		},
		{
			fixture: "message_changed_unfurl.json",
			skipped: []string{"slack event Ev0MSG00004: message_changed with the same text (an unfurl or a new reply)"},
		},
		{
			fixture: "message_deleted.json",
			events:  `[{"Kind":"delete","Item":{"channel":"slack","external_id":"C0HELP1234:1772270400.000200","text":""}}]`,
		},
		{
			// A thread root deleted while it has replies stays as a tombstone.
			fixture: "tombstone.json",
			events:  `[{"Kind":"delete","Item":{"channel":"slack","external_id":"C0HELP1234:1772270100.000100","text":""}}]`,
		},
		{
			fixture: "bot_message.json",
			skipped: []string{"slack event Ev0MSG00007: a bot's message"},
		},
		{
			fixture: "file_share.json",
			events: `[{"Kind":"message","Item":{"channel":"slack","external_id":"C0HELP1234:1772271300.001100","author":"U0BOB00002",
				"text":"[no text; 1 attachment(s): checkout-error.png]","created_at":"2026-02-28T09:35:00.0011Z",
				"metadata":{"team_id":"T0A1B2C3D","channel":"C0HELP1234","ts":"1772271300.001100","event_id":"Ev0MSG00008",
					"subtype":"file_share","files":[{"name":"checkout-error.png","content_type":"image/png","size":48213,
						"url":"https://files.slack.com/files-pri/T0A1B2C3D-F0SCREEN01/checkout-error.png"}]}}}]`,
		},
		{
			fixture: "channel_join.json",
			skipped: []string{"slack event Ev0MSG00009: message subtype channel_join is not a member's message"},
		},
		{
			fixture: "app_mention.json",
			events: `[{"Kind":"message","Item":{"channel":"slack","external_id":"C0HELP1234:1772271600.001300","author":"U0BOB00002",
				"text":"<@U0TRIAGEBOT> can someone look at the refund for order #8812?","created_at":"2026-02-28T09:40:00.0013Z",
				"thread_id":"C0HELP1234:1772270100.000100","parent_id":"C0HELP1234:1772270100.000100",
				"metadata":{"team_id":"T0A1B2C3D","channel":"C0HELP1234","ts":"1772271600.001300","thread_ts":"1772270100.000100",
					"event_id":"Ev0MSG00010"}}}]`,
		},
		{
			fixture: "reaction_added.json",
			skipped: []string{"slack event Ev0MSG00011: event type reaction_added is not a message"},
		},
	}
	a := channels.NewSlack(channels.SlackConfig{})
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			d, err := a.Decode(slackFixture(t, tt.fixture), slackNow)
			require.NoError(t, err)
			require.NoError(t, d.Validate(slackNow))
			require.Equal(t, tt.skipped, d.Skipped)
			require.Equal(t, tt.response, string(d.Response))
			slackRequireEvents(t, tt.events, d.Events)
		})
	}
}

func TestSlackDecodeText(t *testing.T) {
	t.Parallel()
	t.Run("long text is cut", func(t *testing.T) {
		t.Parallel()
		long := strings.Repeat("fish &amp; chips ", 6000) // 78,000 bytes once unescaped
		body := slackCallback(`{"type":"message","channel":"C1","user":"U1","ts":"1772270100.000100","text":"` + long + `"}`)
		d, err := channels.NewSlack(channels.SlackConfig{}).Decode(body, slackNow)
		require.NoError(t, err)
		require.NoError(t, d.Validate(slackNow))
		it := d.Events[0].Item
		require.Equal(t, items.MaxTextBytes, len(it.Text))
		require.True(t, strings.HasPrefix(it.Text, "fish & chips fish & chips"))
		require.True(t, strings.HasSuffix(it.Text, " […]"))
		require.JSONEq(t, `{"team_id":"T1","channel":"C1","ts":"1772270100.000100","event_id":"Ev1","truncated":true}`, string(it.Metadata))
	})
	t.Run("odd text and a clock ahead", func(t *testing.T) {
		t.Parallel()
		body := slackCallback(`{"type":"message","channel":"C1","user":"U1\u0000","ts":"1772370000.000001",` +
			`"text":" caf` + "\xe9" + ` \u0000&amp;lt;b&amp;gt; &lt;&gt; \u202e "}`)
		d, err := channels.NewSlack(channels.SlackConfig{}).Decode(body, slackNow)
		require.NoError(t, err)
		require.NoError(t, d.Validate(slackNow))
		it := d.Events[0].Item
		require.Equal(t, "caf\uFFFD &lt;b&gt; <> \u202e", it.Text)
		require.Equal(t, "U1", it.Author)
		require.Equal(t, "2026-03-01T12:00:00Z", it.CreatedAt)
	})
	t.Run("unreadable ts leaves created_at empty", func(t *testing.T) {
		t.Parallel()
		for _, ts := range []string{"abc", "1772270100.x", "-5.1", "+1772270100.000100", "1772270100.0000000001", "946684799.000000"} {
			body := slackCallback(`{"type":"message","channel":"C1","ts":"` + ts + `","text":"hi"}`)
			d, err := channels.NewSlack(channels.SlackConfig{}).Decode(body, slackNow)
			require.NoError(t, err, ts)
			require.Empty(t, d.Events[0].Item.CreatedAt, ts)
		}
	})
}

func TestSlackDecodeSkips(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, body, skipped string }{
		{"rate limited", `{"type":"app_rate_limited","team_id":"T1","minute_rate_limited":1772270100}`,
			"slack: request type app_rate_limited carries no message"},
		{"bot id without subtype", string(slackCallback(`{"type":"message","channel":"C1","bot_id":"B1","ts":"1.2","text":"hi"}`)),
			"slack event Ev1: a bot's message"},
		{"edit of a bot's message", string(slackCallback(`{"type":"message","subtype":"message_changed","channel":"C1",
			"message":{"bot_id":"B1","ts":"1.2","text":"new"},"previous_message":{"ts":"1.2","text":"old"}}`)),
			"slack event Ev1: an edit of a bot's message"},
		{"empty message", string(slackCallback(`{"type":"message","channel":"C1","user":"U1","ts":"1.2","text":"  "}`)),
			"slack event Ev1: a message with no text or files"},
		{"channel leave", string(slackCallback(`{"type":"message","subtype":"channel_leave","channel":"C1","ts":"1.2","text":"bye"}`)),
			"slack event Ev1: message subtype channel_leave is not a member's message"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := channels.NewSlack(channels.SlackConfig{}).Decode([]byte(tt.body), slackNow)
			require.NoError(t, err)
			require.Empty(t, d.Events)
			require.Equal(t, []string{tt.skipped}, d.Skipped)
		})
	}
}

func TestSlackDecodeMalformed(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, body, contains string }{
		{"empty", "", "slack:"},
		{"form body", "token=x&team_id=T1", "invalid character"},
		{"no type", `{"challenge":"x"}`, `no "type"`},
		{"callback without event", `{"type":"event_callback"}`, "without an event"},
		{"event not an object", string(slackCallback(`[1]`)), "cannot unmarshal"},
		{"message without ts", string(slackCallback(`{"type":"message","channel":"C1","text":"hi"}`)), "needs channel and ts"},
		{"message without channel", string(slackCallback(`{"type":"app_mention","ts":"1.2","text":"hi"}`)), "needs channel and ts"},
		{"changed without message", string(slackCallback(`{"type":"message","subtype":"message_changed","channel":"C1"}`)), "without a message"},
		{"deleted without ts", string(slackCallback(`{"type":"message","subtype":"message_deleted","channel":"C1"}`)), "needs channel and deleted_ts"},
		{"text not a string", string(slackCallback(`{"type":"message","channel":"C1","ts":"1.2","text":{}}`)), "cannot unmarshal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := channels.NewSlack(channels.SlackConfig{}).Decode([]byte(tt.body), slackNow)
			require.ErrorIs(t, err, channels.ErrMalformed)
			require.ErrorContains(t, err, tt.contains)
		})
	}
}

func TestSlackVerify(t *testing.T) {
	t.Parallel()
	const secret = "slack-signing-secret"
	sign := func(secret string, at time.Time, body []byte) http.Header {
		ts := strconv.FormatInt(at.Unix(), 10)
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte("v0:" + ts + ":"))
		m.Write(body)
		h := http.Header{}
		h.Set("X-Slack-Request-Timestamp", ts)
		h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(m.Sum(nil)))
		return h
	}
	body := slackFixture(t, "message.json")
	a := channels.NewSlack(channels.SlackConfig{SigningSecret: secret})

	t.Run("good signature", func(t *testing.T) {
		t.Parallel()
		require.NoError(t, a.Verify(sign(secret, slackNow.Add(-30*time.Second), body), body, slackNow))
	})
	t.Run("slack's published example", func(t *testing.T) {
		t.Parallel()
		// The worked example of Slack's "Verifying requests from Slack".
		example := []byte("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V" +
			"&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=" +
			"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN" +
			"&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
		h := http.Header{}
		h.Set("X-Slack-Request-Timestamp", "1531420618")
		h.Set("X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")
		ex := channels.NewSlack(channels.SlackConfig{SigningSecret: "8f742231b10e8888abcd99yyyzzz85a5"})
		require.NoError(t, ex.Verify(h, example, time.Unix(1531420618, 0).Add(time.Minute)))
	})

	refused := []struct {
		name   string
		header http.Header
		body   []byte
	}{
		{"wrong secret", sign("guess", slackNow, body), body},
		{"tampered body", sign(secret, slackNow, body), []byte(strings.Replace(string(body), "502", "503", 1))},
		{"stale timestamp", sign(secret, slackNow.Add(-6*time.Minute), body), body},
		{"future timestamp", sign(secret, slackNow.Add(6*time.Minute), body), body},
		{"timestamp not signed", func() http.Header {
			h := sign(secret, slackNow, body)
			h.Set("X-Slack-Request-Timestamp", strconv.FormatInt(slackNow.Unix()+1, 10))
			return h
		}(), body},
		{"timestamp not a number", func() http.Header {
			h := sign(secret, slackNow, body)
			h.Set("X-Slack-Request-Timestamp", "yesterday")
			return h
		}(), body},
		{"no v0= prefix", func() http.Header {
			h := sign(secret, slackNow, body)
			h.Set("X-Slack-Signature", strings.TrimPrefix(h.Get("X-Slack-Signature"), "v0="))
			return h
		}(), body},
		{"missing signature", func() http.Header {
			h := sign(secret, slackNow, body)
			h.Del("X-Slack-Signature")
			return h
		}(), body},
		{"missing timestamp", func() http.Header {
			h := sign(secret, slackNow, body)
			h.Del("X-Slack-Request-Timestamp")
			return h
		}(), body},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.ErrorIs(t, a.Verify(tt.header, tt.body, slackNow), channels.ErrUnauthorized)
		})
	}
	t.Run("no signing secret", func(t *testing.T) {
		t.Parallel()
		err := channels.NewSlack(channels.SlackConfig{}).Verify(sign(secret, slackNow, body), body, slackNow)
		require.ErrorIs(t, err, channels.ErrNotConfigured)
	})
}

func FuzzSlackDecode(f *testing.F) {
	entries, err := os.ReadDir(filepath.Join("testdata", "slack"))
	require.NoError(f, err)
	for _, e := range entries {
		f.Add(slackFixture(f, e.Name()))
	}
	f.Add(slackCallback(`{"type":"message","subtype":"message_changed","channel":"C1","message":{"subtype":"tombstone","ts":"1.2"}}`))
	f.Add(slackCallback(`{"type":"message","channel":"C1","ts":"99999999999.9","text":"&amp;","files":[{"title":"t"}]}`))
	a := channels.NewSlack(channels.SlackConfig{})
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := a.Decode(body, slackNow)
		if err != nil {
			require.ErrorIs(t, err, channels.ErrMalformed)
			return
		}
		require.NoError(t, d.Validate(slackNow))
	})
}
