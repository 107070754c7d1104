package channels_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/channels"
	"github.com/triage-oss/triage/internal/items"
)

var telegramNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// telegramWant is an expected event; meta is compared as JSON ("" for
// none).
type telegramWant struct {
	kind channels.Kind
	item items.NewItem
	meta string
}

func telegramFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "telegram", name))
	require.NoError(t, err)
	return b
}

// telegramRequireDelivery checks d's events and skip reasons exactly, then
// that ingestion would accept d.
func telegramRequireDelivery(t *testing.T, d channels.Delivery, want []telegramWant, skipped []string) {
	t.Helper()
	require.Len(t, d.Events, len(want), "events: %+v", d.Events)
	for i, w := range want {
		got := d.Events[i]
		require.Equal(t, w.kind, got.Kind, "event %d", i)
		meta := got.Item.Metadata
		got.Item.Metadata = nil
		require.Equal(t, w.item, got.Item, "event %d", i)
		require.JSONEq(t, w.meta, string(meta), "event %d", i)
	}
	require.Equal(t, skipped, d.Skipped)
	require.NoError(t, d.Validate(telegramNow))
}

// telegramMeta is the metadata every message has, plus extra (a JSON
// object's members, starting with a comma).
func telegramMeta(chatID, messageID int64, chatType, title string, updateID int64, extra string) string {
	return fmt.Sprintf(`{"chat_id":%d,"message_id":%d,"chat_type":%q,"chat_title":%q,"update_id":%d%s}`,
		chatID, messageID, chatType, title, updateID, extra)
}

const (
	telegramAna   = int64(7012345678)
	telegramGroup = int64(-4123456789)
	telegramForum = int64(-1002233445566)
)

// telegramLogDump is the text of long_text.json.
func telegramLogDump() string {
	lines := make([]string, 1600)
	for i := range lines {
		lines[i] = fmt.Sprintf("line %05d: sync failed with status 503 (retrying)", i)
	}
	return "Log dump follows:\n" + strings.Join(lines, "\n")
}

func TestTelegramDecode(t *testing.T) {
	t.Parallel()

	longText, cut := channels.Text(telegramLogDump())
	require.True(t, cut)
	groupMeta := func(messageID, updateID int64, extra string) string {
		return telegramMeta(telegramGroup, messageID, "group", "Triage Users BR", updateID, extra)
	}
	forumMeta := func(messageID, updateID int64, extra string) string {
		return telegramMeta(telegramForum, messageID, "supergroup", "Triage Community", updateID, `,"message_thread_id":3100`+extra)
	}
	tests := []struct {
		name    string
		body    []byte
		want    []telegramWant
		skipped []string
	}{
		{
			name: "private message",
			body: telegramFixture(t, "private_message.json"),
			want: []telegramWant{{
				kind: channels.KindMessage,
				item: items.NewItem{Channel: "telegram", ExternalID: "7012345678:57", Author: "ana_souza",
					Text: "Olá! The app logs me out every few minutes since yesterday.", CreatedAt: "2026-11-20T08:15:00Z"},
				meta: telegramMeta(telegramAna, 57, "private", "", 912000001, `,"from_id":7012345678`),
			}},
		},
		{
			name: "group reply",
			body: telegramFixture(t, "group_reply.json"),
			want: []telegramWant{{
				kind: channels.KindMessage,
				item: items.NewItem{Channel: "telegram", ExternalID: "-4123456789:1204", Author: "Bruno Lima",
					Text: "Same here, Android 14.", CreatedAt: "2026-11-20T09:02:30Z", ParentID: "-4123456789:1199"},
				meta: groupMeta(1204, 912000002, `,"from_id":6100000002`),
			}},
		},
		{
			name: "forum topic message",
			body: telegramFixture(t, "forum_topic.json"),
			want: []telegramWant{{
				kind: channels.KindMessage,
				item: items.NewItem{Channel: "telegram", ExternalID: "-1002233445566:3310", Author: "carla_dev",
					Text: "Webhook retries stop after the first 500 response.", URL: "https://t.me/triagecommunity/3310",
					CreatedAt: "2026-11-20T09:40:10Z", ThreadID: "-1002233445566:3100"},
				meta: forumMeta(3310, 912000003, `,"from_id":6100000003`),
			}},
		},
		{
			name: "reply in a forum topic",
			body: telegramFixture(t, "forum_reply.json"),
			want: []telegramWant{{
				kind: channels.KindMessage,
				item: items.NewItem{Channel: "telegram", ExternalID: "-1002233445566:3315", Author: "Davi",
					Text: "Can confirm, we lose events the same way.", URL: "https://t.me/triagecommunity/3315",
					CreatedAt: "2026-11-20T09:46:40Z", ThreadID: "-1002233445566:3100", ParentID: "-1002233445566:3310"},
				meta: forumMeta(3315, 912000004, `,"from_id":6100000004`),
			}},
		},
		{
			name: "edited message",
			body: telegramFixture(t, "edited_message.json"),
			want: []telegramWant{{
				kind: channels.KindEdit,
				item: items.NewItem{Channel: "telegram", ExternalID: "7012345678:57", Author: "ana_souza",
					Text:      "Olá! The app logs me out every few minutes since yesterday (version 4.2.0).",
					CreatedAt: "2026-11-20T08:15:00Z"},
				meta: telegramMeta(telegramAna, 57, "private", "", 912000005, `,"from_id":7012345678,"edit_date":"2026-11-20T08:30:00Z"`),
			}},
		},
		{
			name: "channel post",
			body: telegramFixture(t, "channel_post.json"),
			want: []telegramWant{{
				kind: channels.KindMessage,
				item: items.NewItem{Channel: "telegram", ExternalID: "-1009988776655:88", Author: "Triage Updates",
					Text: "Version 4.2.1 is out: fixes the logout loop on Android.", URL: "https://t.me/triageupdates/88",
					CreatedAt: "2026-11-21T14:05:00Z"},
				meta: telegramMeta(-1009988776655, 88, "channel", "Triage Updates", 912000006, ""),
			}},
		},
		{
			name: "photo with caption",
			body: telegramFixture(t, "photo_caption.json"),
			want: []telegramWant{{
				kind: channels.KindMessage,
				item: items.NewItem{Channel: "telegram", ExternalID: "-4123456789:1210", Author: "Bruno Lima",
					Text: "This error shows up right after login", CreatedAt: "2026-11-21T15:30:45Z"},
				meta: groupMeta(1210, 912000007, `,"from_id":6100000002,"attachments":[{"type":"photo",
					"file_id":"AgACAgEAAxkBAAIEsmdLarge","file_unique_id":"AQADsm3","size":98211,"width":1280,"height":960}]`),
			}},
		},
		{
			name: "photo without caption",
			body: telegramFixture(t, "photo_no_caption.json"),
			want: []telegramWant{{
				kind: channels.KindMessage,
				item: items.NewItem{Channel: "telegram", ExternalID: "-4123456789:1211", Author: "Bruno Lima",
					Text: "[no text; 1 attachment(s): photo]", CreatedAt: "2026-11-21T15:31:40Z"},
				meta: groupMeta(1211, 912000008, `,"from_id":6100000002,"attachments":[{"type":"photo",
					"file_id":"AgACAgEAAxkBAAIEtnLarge","file_unique_id":"AQADtn2","size":87002,"width":1280,"height":720}]`),
			}},
		},
		{
			name: "sticker",
			body: telegramFixture(t, "sticker.json"),
			want: []telegramWant{{
				kind: channels.KindMessage,
				item: items.NewItem{Channel: "telegram", ExternalID: "7012345678:58", Author: "ana_souza",
					Text: "😡", CreatedAt: "2026-11-21T15:33:20Z"},
				meta: telegramMeta(telegramAna, 58, "private", "", 912000009, `,"from_id":7012345678,"attachments":[{"type":"sticker",
					"file_id":"CAACAgIAAxkBAAIEStk","file_unique_id":"AgADstk","size":31200,"width":512,"height":512,"emoji":"😡"}]`),
			}},
		},
		{
			name:    "bot message",
			body:    telegramFixture(t, "bot_message.json"),
			skipped: []string{"update 912000010: message from a bot"},
		},
		{
			name:    "new_chat_members service message",
			body:    telegramFixture(t, "new_chat_members.json"),
			skipped: []string{"update 912000011: service message (new_chat_members)"},
		},
		{
			name:    "callback query",
			body:    telegramFixture(t, "callback_query.json"),
			skipped: []string{"update 912000012: callback_query is not a message"},
		},
		{
			name: "array of updates with a document",
			body: telegramFixture(t, "updates_array.json"),
			want: []telegramWant{{
				kind: channels.KindMessage,
				item: items.NewItem{Channel: "telegram", ExternalID: "-4123456789:1214", Author: "Fábio Reis",
					Text: "[no text; 1 attachment(s): app-log.txt]", CreatedAt: "2026-11-21T15:46:40Z"},
				meta: groupMeta(1214, 912000013, `,"from_id":6100000006,"attachments":[{"type":"document",
					"file_id":"BQACAgEAAxkBAAIElog","file_unique_id":"AgADlog","mime_type":"text/plain","size":40210,"file_name":"app-log.txt"}]`),
			}},
			skipped: []string{"update 912000014: my_chat_member is not a message"},
		},
		{
			name: "very long text",
			body: telegramFixture(t, "long_text.json"),
			want: []telegramWant{{
				kind: channels.KindMessage,
				item: items.NewItem{Channel: "telegram", ExternalID: "-4123456789:1215", Author: "Fábio Reis",
					Text: longText, CreatedAt: "2026-11-21T15:50:00Z"},
				meta: groupMeta(1215, 912000015, `,"from_id":6100000006,"truncated":true`),
			}},
		},
		{
			name: "non-UTF-8 bytes and NUL in text",
			body: telegramFixture(t, "non_utf8.json"),
			want: []telegramWant{{
				kind: channels.KindMessage,
				item: items.NewItem{Channel: "telegram", ExternalID: "-4123456789:1216", Author: "Jo\uFFFDo",
					Text: "N\uFFFDo consigo exportar o relat\uFFFDrio \uFFFD\uFFFD", CreatedAt: "2026-11-21T15:51:40Z"},
				meta: groupMeta(1216, 912000016, `,"from_id":6100000007`),
			}},
		},
		{
			name: "getUpdates answer, on behalf of a channel, future date",
			body: []byte(`{"ok":true,"result":[{"update_id":5,"message":{"message_id":9,"date":1900000000,
				"from":{"id":136817688,"is_bot":true,"first_name":"Channel","username":"Channel_Bot"},
				"sender_chat":{"id":-1007,"title":"Wren's Dev Log","type":"channel"},
				"chat":{"id":-1008,"title":"Devs","username":"bad/name","type":"supergroup"},"text":"hi"}}]}`),
			want: []telegramWant{{
				kind: channels.KindMessage,
				item: items.NewItem{Channel: "telegram", ExternalID: "-1008:9", Author: "Wren's Dev Log", Text: "hi",
					CreatedAt: "2026-11-23T10:00:00Z"},
				meta: telegramMeta(-1008, 9, "supergroup", "Devs", 5, `,"from_id":136817688`),
			}},
		},
		{
			name: "anonymous admin, automatic forward, location, empty update",
			body: []byte(`[
				{"update_id":6,"message":{"message_id":1,"date":1795276300,"text":"rules",
					"from":{"id":1087968824,"is_bot":true,"first_name":"Group","username":"GroupAnonymousBot"},
					"sender_chat":{"id":-1008,"title":"Devs","type":"supergroup"},"chat":{"id":-1008,"title":"Devs","type":"supergroup"}}},
				{"update_id":7,"message":{"message_id":2,"date":1795276300,"text":"Version 4.2.1 is out","is_automatic_forward":true,
					"from":{"id":777000,"is_bot":false,"first_name":"Telegram"},
					"sender_chat":{"id":-1009,"title":"Triage Updates","type":"channel"},"chat":{"id":-1008,"title":"Devs","type":"supergroup"}}},
				{"update_id":8,"message":{"message_id":3,"date":1795276300,"location":{"latitude":1.5,"longitude":2.5},
					"from":{"id":5,"is_bot":false,"first_name":"A"},"chat":{"id":5,"first_name":"A","type":"private"}}},
				{"update_id":9}
			]`),
			skipped: []string{
				"update 6: message from a bot",
				"update 7: a channel post forwarded to its discussion group",
				"update 8: no text (location)",
				"update 9: an empty update is not a message",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := channels.NewTelegram(channels.TelegramConfig{}).Decode(tt.body, telegramNow)
			require.NoError(t, err)
			telegramRequireDelivery(t, d, tt.want, tt.skipped)
		})
	}
}

func TestTelegramDecodeMalformed(t *testing.T) {
	t.Parallel()

	for _, body := range []string{
		``, `"x"`, `null`, `{}`, `[1]`, `{"message":{"message_id":1}}`, `{"update_id":"1"}`,
		`[{"update_id":1},{}]`, `{"update_id":1,"message":{"message_id":"a"}}`, `{"ok":true,"result":{}}`,
		`{"update_id":1,"message":[]}`, `{"update_id":1} x`,
	} {
		t.Run(body, func(t *testing.T) {
			t.Parallel()
			_, err := channels.NewTelegram(channels.TelegramConfig{}).Decode([]byte(body), telegramNow)
			require.ErrorIs(t, err, channels.ErrMalformed)
		})
	}
}

func TestTelegramVerify(t *testing.T) {
	t.Parallel()

	const secret = "telegram-test-secret_token-1"
	header := func(v string) http.Header {
		h := http.Header{}
		h.Set("x-telegram-bot-api-secret-token", v)
		return h
	}
	tests := []struct {
		name   string
		secret string
		header http.Header
		err    error
	}{
		{name: "good token", secret: secret, header: header(secret)},
		{name: "wrong token", secret: secret, header: header("telegram-test-secret_token-2"), err: channels.ErrUnauthorized},
		{name: "prefix of the token", secret: secret, header: header(secret[:10]), err: channels.ErrUnauthorized},
		{name: "missing", secret: secret, header: http.Header{}, err: channels.ErrUnauthorized},
		{name: "not configured", header: header(secret), err: channels.ErrNotConfigured},
	}
	body := telegramFixture(t, "private_message.json")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := channels.NewTelegram(channels.TelegramConfig{SecretToken: tt.secret}).Verify(tt.header, body, telegramNow)
			if tt.err == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.err)
		})
	}
}

func FuzzTelegramDecode(f *testing.F) {
	names, err := filepath.Glob(filepath.Join("testdata", "telegram", "*.json"))
	require.NoError(f, err)
	for _, n := range names {
		f.Add(telegramFixture(f, filepath.Base(n)))
	}
	f.Add([]byte(`{"update_id":1,"message":{"message_id":1,"date":-5,"chat":{"id":1,"type":"x","title":"\\u0000"},"caption":"\u0000","sticker":{"emoji":"\u0000"}}}`))
	tg := channels.NewTelegram(channels.TelegramConfig{})
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := tg.Decode(body, telegramNow)
		if err != nil {
			require.ErrorIs(t, err, channels.ErrMalformed)
			return
		}
		require.NoError(t, d.Validate(telegramNow))
	})
}
