package channels_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
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

var xNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

const (
	xBrandID = "1500000000000000001"
	xFinchID = "1600000000000000003"
	xWrenID  = "1600000000000000004"
)

// xWant is an expected event; meta is compared as JSON ("" for none).
type xWant struct {
	kind channels.Kind
	item items.NewItem
	meta string
}

func xFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "x", name))
	require.NoError(t, err)
	return b
}

// xRequireDelivery checks d's events and skip reasons exactly, then that
// ingestion would accept d.
func xRequireDelivery(t *testing.T, d channels.Delivery, want []xWant, skipped []string) {
	t.Helper()
	require.Len(t, d.Events, len(want), "events: %+v", d.Events)
	for i, w := range want {
		got := d.Events[i]
		require.Equal(t, w.kind, got.Kind, "event %d", i)
		meta := got.Item.Metadata
		got.Item.Metadata = nil
		require.Equal(t, w.item, got.Item, "event %d", i)
		if w.meta == "" {
			require.Empty(t, meta, "event %d", i)
		} else {
			require.JSONEq(t, w.meta, string(meta), "event %d", i)
		}
	}
	require.Equal(t, skipped, d.Skipped)
	require.NoError(t, d.Validate(xNow))
}

func TestXDecode(t *testing.T) {
	t.Parallel()

	longText := strings.TrimSpace(strings.Repeat("Long post about the new release. ", 12)) + "\n\n" +
		strings.TrimSpace(strings.Repeat("The sync between devices & the web app is still broken for us: ", 8))
	tests := []struct {
		name    string
		own     string
		body    []byte
		want    []xWant
		skipped []string
	}{
		{
			name: "single post with includes",
			own:  xBrandID,
			body: xFixture(t, "post_single.json"),
			want: []xWant{{
				kind: channels.KindMessage,
				item: items.NewItem{
					Channel: "x", ExternalID: "1859000000000000101", Author: "@kestrel_dev",
					Text:      "@triageapp the export button does nothing on Safari & Firefox >:( https://t.co/AbCdEf1234",
					URL:       "https://x.com/kestrel_dev/status/1859000000000000101",
					CreatedAt: "2026-11-20T08:15:00Z", ThreadID: "1859000000000000101",
				},
				meta: `{"author_id":"1600000000000000002","conversation_id":"1859000000000000101","lang":"en",
					"public_metrics":{"retweet_count":1,"reply_count":0,"like_count":4,"quote_count":0,"impression_count":210},
					"attachments":[{"media_key":"3_1859000000000000900","type":"photo","url":"https://pbs.twimg.com/media/GdExAmPlE1.jpg",
						"alt_text":"Screenshot of the export dialog","width":1170,"height":2532}]}`,
			}},
		},
		{
			name: "batch with a reply, a quote, a retweet and the brand's own reply",
			own:  xBrandID,
			body: xFixture(t, "batch_reply_quote.json"),
			want: []xWant{
				{
					kind: channels.KindMessage,
					item: items.NewItem{
						Channel: "x", ExternalID: "1859000000000000202", Author: "@finch42",
						Text:      "@triageapp @kestrel_dev same for me, export is broken since Tuesday",
						URL:       "https://x.com/finch42/status/1859000000000000202",
						CreatedAt: "2026-11-20T09:02:30Z", ThreadID: "1859000000000000101", ParentID: "1859000000000000101",
					},
					meta: `{"author_id":"` + xFinchID + `","conversation_id":"1859000000000000101","lang":"en",
						"public_metrics":{"retweet_count":0,"reply_count":0,"like_count":1,"quote_count":0}}`,
				},
				{
					kind: channels.KindMessage,
					item: items.NewItem{
						Channel: "x", ExternalID: "1859000000000000303", Author: "@wren_ops",
						Text:      "Is this why my reports are empty? https://t.co/QuOtE00001",
						URL:       "https://x.com/wren_ops/status/1859000000000000303",
						CreatedAt: "2026-11-20T09:40:10Z", ThreadID: "1859000000000000303",
					},
					meta: `{"author_id":"` + xWrenID + `","conversation_id":"1859000000000000303","lang":"en",
						"public_metrics":{"retweet_count":0,"reply_count":2,"like_count":3,"quote_count":0},
						"quoted":{"id":"1859000000000000101","author":"@kestrel_dev",
							"text":"@triageapp the export button does nothing on Safari & Firefox >:( https://t.co/AbCdEf1234"}}`,
				},
			},
			skipped: []string{"post 1859000000000000404: a retweet", "post 1859000000000000505: by the brand's own account"},
		},
		{
			name: "long post in note_tweet",
			body: xFixture(t, "note_tweet.json"),
			want: []xWant{{
				kind: channels.KindMessage,
				item: items.NewItem{
					Channel: "x", ExternalID: "1859000000000000606", Author: "@wren_ops", Text: longText,
					URL:       "https://x.com/wren_ops/status/1859000000000000606",
					CreatedAt: "2026-11-21T14:05:00Z", ThreadID: "1859000000000000606",
				},
				meta: `{"author_id":"` + xWrenID + `","conversation_id":"1859000000000000606","lang":"en"}`,
			}},
		},
		{
			name: "edited post is an edit of the original id",
			body: xFixture(t, "edited_post.json"),
			want: []xWant{{
				kind: channels.KindEdit,
				item: items.NewItem{
					Channel: "x", ExternalID: "1859000000000000707", Author: "@finch42",
					Text:      "Checkout fails with error E402 on Android (edit: version 4.2.1)",
					URL:       "https://x.com/finch42/status/1859000000000000708",
					CreatedAt: "2026-11-21T15:30:45Z", ThreadID: "1859000000000000707",
				},
				meta: `{"author_id":"` + xFinchID + `","conversation_id":"1859000000000000707","lang":"en",
					"edit_history_tweet_ids":["1859000000000000707","1859000000000000708"]}`,
			}},
		},
		{
			name: "original version of an edited post, author not included, future time",
			body: []byte(`{"data":{"id":"11","text":"first","author_id":"22","conversation_id":"11",
				"created_at":"2027-01-01T00:00:00.000Z","edit_history_tweet_ids":["11","12"]}}`),
			want: []xWant{{
				kind: channels.KindMessage,
				item: items.NewItem{Channel: "x", ExternalID: "11", Author: "22", Text: "first",
					URL: "https://x.com/i/status/11", CreatedAt: "2026-11-23T10:00:00Z", ThreadID: "11"},
				meta: `{"author_id":"22","conversation_id":"11","edit_history_tweet_ids":["11","12"]}`,
			}},
		},
		{
			name: "DM events",
			own:  xBrandID,
			body: xFixture(t, "dm_events.json"),
			want: []xWant{{
				kind: channels.KindMessage,
				item: items.NewItem{
					Channel: "x", ExternalID: "dm:1859000000000009001", Author: "@finch42",
					Text:      "Hi, my account email is finch@example.com, the export still fails",
					CreatedAt: "2026-11-22T18:00:00Z", ThreadID: xBrandID + "-" + xFinchID,
				},
				meta: `{"dm_conversation_id":"` + xBrandID + "-" + xFinchID + `","sender_id":"` + xFinchID + `",
					"attachments":[{"media_key":"3_1859000000000009900","type":"photo",
						"url":"https://ton.x.com/i/ton/data/dm/1859000000000009001/1859000000000009900/AbC.jpg","width":800,"height":600}]}`,
			}},
			skipped: []string{
				"dm 1859000000000009002: sent by the brand's own account",
				"dm event 1859000000000009003: ParticipantsJoin is not a message",
			},
		},
		{
			name: "Account Activity tweet_create_events, brand from for_user_id",
			body: xFixture(t, "activity_tweet_create.json"),
			want: []xWant{
				{
					kind: channels.KindMessage,
					item: items.NewItem{
						Channel: "x", ExternalID: "1859000000000000808", Author: "@kestrel_dev",
						Text: "@triageapp Still waiting on a fix for the <export> bug, it's been a week and my team can't get " +
							"their monthly reports out of the app, this is really hurting us. Any ETA?",
						URL:       "https://x.com/kestrel_dev/status/1859000000000000808",
						CreatedAt: "2026-11-21T16:00:00Z", ParentID: "1859000000000000505",
					},
					meta: `{"author_id":"1600000000000000002","lang":"en",
						"public_metrics":{"retweet_count":0,"reply_count":0,"like_count":2,"quote_count":0}}`,
				},
				{
					kind: channels.KindMessage,
					item: items.NewItem{
						Channel: "x", ExternalID: "1859000000000000810", Author: "@wren_ops",
						Text:      "This is exactly what happened to us https://t.co/QuOtE00002",
						URL:       "https://x.com/wren_ops/status/1859000000000000810",
						CreatedAt: "2026-11-21T16:10:00Z", ThreadID: "1859000000000000810",
					},
					meta: `{"author_id":"` + xWrenID + `","conversation_id":"1859000000000000810","lang":"en",
						"public_metrics":{"retweet_count":0,"reply_count":0,"like_count":1,"quote_count":0},
						"attachments":[{"media_key":"1859000000000000990","type":"photo",
							"url":"https://pbs.twimg.com/media/GdExAmPlE2.jpg","alt_text":"Error dialog"}],
						"quoted":{"id":"1859000000000000808","author":"@kestrel_dev","text":"@triageapp Still waiting on a fix for the <export> bug"}}`,
				},
			},
			skipped: []string{"post 1859000000000000809: by the brand's own account"},
		},
		{
			name: "Account Activity tweet_delete_events",
			body: xFixture(t, "activity_tweet_delete.json"),
			want: []xWant{{kind: channels.KindDelete, item: items.NewItem{Channel: "x", ExternalID: "1859000000000000808"}}},
		},
		{
			name: "Account Activity direct_message_events",
			body: xFixture(t, "activity_dm.json"),
			want: []xWant{{
				kind: channels.KindMessage,
				item: items.NewItem{
					Channel: "x", ExternalID: "dm:1859000000000009101", Author: "@wren_ops",
					Text:      "Hello, where do I find my invoices?",
					CreatedAt: "2026-11-22T18:00:00Z", ThreadID: xBrandID + "-" + xWrenID,
				},
				meta: `{"dm_conversation_id":"` + xBrandID + "-" + xWrenID + `","sender_id":"` + xWrenID + `","recipient_id":"` + xBrandID + `"}`,
			}},
			skipped: []string{"dm 1859000000000009102: sent by the brand's own account"},
		},
		{
			name:    "Account Activity likes and follows",
			body:    xFixture(t, "activity_other.json"),
			skipped: []string{"favorite_events: not messages", "follow_events: not messages"},
		},
		{
			name:    "v2 errors only",
			body:    []byte(`{"errors":[{"value":"1","detail":"Could not find tweet with ids: [1].","title":"Not Found Error","type":"https://api.x.com/2/problems/resource-not-found"}]}`),
			skipped: []string{"the response reports 1 error(s): posts or users not found or not visible"},
		},
		{
			name: "v2 empty result",
			body: []byte(`{"meta":{"result_count":0}}`),
		},
		{
			name: "attachments only, NUL and bad ids cleaned",
			body: []byte(`{"data":[{"id":"31","text":" \u0000 ","author_id":"9","attachments":{"media_keys":["3_1"]}},
				{"id":"","text":"no id"},{"id":"32","text":"x","author_id":"9","conversation_id":"a\u0000b"}],
				"includes":{"users":[{"id":"9","username":"bad name/.."}],"media":[{"media_key":"3_1","type":"video","alt_text":"\\u0000"}]}}`),
			want: []xWant{
				{
					kind: channels.KindMessage,
					item: items.NewItem{Channel: "x", ExternalID: "31", Author: "@bad name/..",
						Text: "[no text; 1 attachment(s): video]", URL: "https://x.com/i/status/31"},
					meta: `{"author_id":"9","attachments":[{"media_key":"3_1","type":"video","alt_text":"u0000"}]}`,
				},
				{
					kind: channels.KindMessage,
					item: items.NewItem{Channel: "x", ExternalID: "32", Author: "@bad name/..", Text: "x",
						URL: "https://x.com/i/status/32", ThreadID: "ab"},
					meta: `{"author_id":"9","conversation_id":"ab"}`,
				},
			},
			skipped: []string{"a post without a usable id"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := channels.NewX(channels.XConfig{OwnUserID: tt.own}).Decode(tt.body, xNow)
			require.NoError(t, err)
			xRequireDelivery(t, d, tt.want, tt.skipped)
		})
	}
}

func TestXDecodeMalformed(t *testing.T) {
	t.Parallel()

	for _, body := range []string{
		``, `[]`, `"x"`, `{}`, `{"foo":1}`, `{"data":`, `{"data":5}`, `{"data":{"id":5}}`,
		`{"includes":{"users":{}}}`, `{"tweet_create_events":{}}`, `{"for_user_id":1}`,
		`{"direct_message_events":[],"users":[]}`,
	} {
		t.Run(body, func(t *testing.T) {
			t.Parallel()
			_, err := channels.NewX(channels.XConfig{}).Decode([]byte(body), xNow)
			require.ErrorIs(t, err, channels.ErrMalformed)
		})
	}
}

func TestXVerify(t *testing.T) {
	t.Parallel()

	const consumer, relay = "x-consumer-test-secret", "x-relay-test-secret"
	body := xFixture(t, "activity_tweet_create.json")
	activity := func(secret string, body []byte, encode func([]byte) string) http.Header {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write(body)
		h := http.Header{}
		h.Set("x-twitter-webhooks-signature", "sha256="+encode(m.Sum(nil)))
		return h
	}
	relayed := func(secret string, at time.Time, body []byte) http.Header {
		h := http.Header{}
		h.Set(routing.HeaderTimestamp, strconv.FormatInt(at.Unix(), 10))
		h.Set(routing.HeaderSignature, routing.Sign(secret, at, body))
		return h
	}
	b64 := base64.StdEncoding.EncodeToString
	tests := []struct {
		name   string
		cfg    channels.XConfig
		header http.Header
		body   []byte
		err    error
	}{
		{name: "account activity ok", cfg: channels.XConfig{ConsumerSecret: consumer}, header: activity(consumer, body, b64), body: body},
		{name: "account activity other secret", cfg: channels.XConfig{ConsumerSecret: consumer}, header: activity("nope", body, b64), body: body, err: channels.ErrUnauthorized},
		{name: "account activity tampered", cfg: channels.XConfig{ConsumerSecret: consumer}, header: activity(consumer, body, b64), body: append(body, ' '), err: channels.ErrUnauthorized},
		{name: "account activity hex", cfg: channels.XConfig{ConsumerSecret: consumer}, header: activity(consumer, body, hex.EncodeToString), body: body, err: channels.ErrUnauthorized},
		{name: "account activity empty header", cfg: channels.XConfig{ConsumerSecret: consumer, RelaySecret: relay}, header: http.Header{channels.XSignatureHeader: {""}}, body: body, err: channels.ErrUnauthorized},
		{name: "account activity not configured", cfg: channels.XConfig{RelaySecret: relay}, header: activity("", body, b64), body: body, err: channels.ErrNotConfigured},
		{name: "relay ok", cfg: channels.XConfig{ConsumerSecret: consumer, RelaySecret: relay}, header: relayed(relay, xNow, body), body: body},
		{name: "relay signed with the consumer secret", cfg: channels.XConfig{ConsumerSecret: consumer, RelaySecret: relay}, header: relayed(consumer, xNow, body), body: body, err: channels.ErrUnauthorized},
		{name: "relay stale", cfg: channels.XConfig{RelaySecret: relay}, header: relayed(relay, xNow.Add(-time.Hour), body), body: body, err: channels.ErrUnauthorized},
		{name: "relay tampered", cfg: channels.XConfig{RelaySecret: relay}, header: relayed(relay, xNow, body), body: body[1:], err: channels.ErrUnauthorized},
		{name: "no signature", cfg: channels.XConfig{ConsumerSecret: consumer, RelaySecret: relay}, header: http.Header{}, body: body, err: channels.ErrUnauthorized},
		{name: "relay not configured", cfg: channels.XConfig{ConsumerSecret: consumer}, header: relayed(relay, xNow, body), body: body, err: channels.ErrNotConfigured},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := channels.NewX(tt.cfg).Verify(tt.header, tt.body, xNow)
			if tt.err == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.err)
		})
	}
}

func FuzzXDecode(f *testing.F) {
	names, err := filepath.Glob(filepath.Join("testdata", "x", "*.json"))
	require.NoError(f, err)
	for _, n := range names {
		f.Add(xFixture(f, filepath.Base(n)))
	}
	f.Add([]byte(`{"data":{"id":"1","text":"\\u0000","note_tweet":{"text":""},"referenced_tweets":[{"type":"quoted","id":"\u0000"}]}}`))
	x := channels.NewX(channels.XConfig{OwnUserID: xBrandID})
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := x.Decode(body, xNow)
		if err != nil {
			require.ErrorIs(t, err, channels.ErrMalformed)
			return
		}
		require.NoError(t, d.Validate(xNow))
	})
}
