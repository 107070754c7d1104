package channels_test

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/channels"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/routing"
)

// discordNow is the test clock: the fixtures were sent shortly before.
var discordNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func discordFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "discord", name))
	require.NoError(t, err)
	return b
}

// discordRequireEvents compares events with their expected JSON ("" for
// none): Event has no JSON tags, so it encodes as {"Kind":...,"Item":{...}}
// with the item's own field names.
func discordRequireEvents(t *testing.T, want string, got []channels.Event) {
	t.Helper()
	if want == "" {
		require.Empty(t, got)
		return
	}
	b, err := json.Marshal(got)
	require.NoError(t, err)
	require.JSONEq(t, want, string(b))
}

func TestDiscordDecode(t *testing.T) {
	t.Parallel()
	const (
		guild   = "1058897343283200001"
		help    = "1246251869798400042"
		linkPre = "https://discord.com/channels/" + guild + "/" + help + "/"
	)
	tests := []struct {
		fixture  string
		events   string   // JSON of the events, "" for none
		skipped  []string // exact reasons
		response string   // exact body, "" for none
		check    func(t *testing.T, d channels.Delivery)
	}{
		{fixture: "ping.json", response: `{"type":1}`},
		{
			fixture: "command_report.json",
			events: `[{"Kind":"message","Item":{"channel":"discord","external_id":"1477243935129600123","author":"pay_trouble",
				"text":"Is anyone else getting a 502 on checkout? Can't pay for my order.",
				"url":"` + linkPre + `1477243935129600123","created_at":"2026-02-28T10:00:00Z",
				"metadata":{"guild_id":"` + guild + `","channel_id":"` + help + `","message_id":"1477243935129600123",
					"author_id":"1058897343283200888","reported_by":"1058897343283200999","reported_by_username":"mod_sam",
					"interaction_id":"1477246451712000999","command":"Report to Triage"}}}]`,
			response: `{"type":4,"data":{"content":"Sent to the community team.","flags":64}}`,
		},
		{
			fixture:  "component.json",
			skipped:  []string{"discord interaction 1477246451712000997: a component interaction"},
			response: `{"type":6}`,
		},
		{
			fixture: "message_create.json",
			events: `[{"Kind":"message","Item":{"channel":"discord","external_id":"1477232610508800101","author":"alice_w",
				"text":"Hi! The desktop app crashes every time I open Settings > Billing on v4.2.1 (Windows 11).",
				"url":"` + linkPre + `1477232610508800101","created_at":"2026-02-28T09:15:00Z",
				"metadata":{"guild_id":"` + guild + `","channel_id":"` + help + `","message_id":"1477232610508800101",
					"author_id":"1058897343283200777","global_name":"Alice W."}}}]`,
		},
		{
			fixture: "thread_reply.json",
			events: `[{"Kind":"message","Item":{"channel":"discord","external_id":"1477234246287360303","author":"bob.dev",
				"text":"Same here since this morning, it also happens on macOS 15.",
				"url":"https://discord.com/channels/` + guild + `/1477233868800000202/1477234246287360303",
				"created_at":"2026-02-28T09:21:30Z","thread_id":"1477233868800000202","parent_id":"1477234000000000404",
				"metadata":{"guild_id":"` + guild + `","channel_id":"1477233868800000202","message_id":"1477234246287360303",
					"author_id":"1058897343283200778"}}}]`,
		},
		{
			fixture: "bot_message.json",
			skipped: []string{"discord MESSAGE_CREATE 1477235127091200505: sent by a bot"},
		},
		{
			fixture: "member_join.json",
			skipped: []string{"discord MESSAGE_CREATE 1477245193420800909: system message (type 7)"},
		},
		{
			fixture: "image_only.json",
			events: `[{"Kind":"message","Item":{"channel":"discord","external_id":"1477236385382400606","author":"carol",
				"text":"[no text; 1 attachment(s): error-dialog.png]",
				"url":"` + linkPre + `1477236385382400606","created_at":"2026-02-28T09:30:00Z",
				"metadata":{"guild_id":"` + guild + `","channel_id":"` + help + `","message_id":"1477236385382400606",
					"author_id":"1058897343283200779","global_name":"Carol",
					"attachments":[{"name":"error-dialog.png","content_type":"image/png","size":184233,
						"url":"https://cdn.discordapp.com/attachments/1246251869798400042/1477236385000000001/error-dialog.png?ex=67d0a1b2&is=67cf5032&hm=3f2e1d"}]}}}]`,
		},
		{
			fixture: "long_message.json",
			check: func(t *testing.T, d channels.Delivery) {
				require.Len(t, d.Events, 1)
				it := d.Events[0].Item
				require.Equal(t, channels.KindMessage, d.Events[0].Kind)
				require.Equal(t, "1477236637040640707", it.ExternalID)
				require.LessOrEqual(t, len(it.Text), items.MaxTextBytes)
				require.Greater(t, len(it.Text), items.MaxTextBytes-8)
				require.True(t, utf8.ValidString(it.Text))
				require.True(t, strings.HasPrefix(it.Text, "Here is the full log:\n2026-02-28 09:31:00 ERROR sync: échec"))
				require.True(t, strings.HasSuffix(it.Text, " […]"))
				require.JSONEq(t, `{"guild_id":"`+guild+`","channel_id":"`+help+`","message_id":"1477236637040640707",
					"author_id":"1058897343283200780","truncated":true}`, string(it.Metadata))
			},
		},
		{
			// Invalid UTF-8 becomes U+FFFD, the NUL goes, bidi controls and
			// zero-width spaces stay (the text is data), and a timestamp
			// ahead of the clock becomes now.
			fixture: "odd_text.json",
			events: `[{"Kind":"message","Item":{"channel":"discord","external_id":"1477238901964800808","author":"\u202eodd\u202c",
				"text":"\u202eevil\u202c caf\ufffd  zero\u200bwidth 👍🏽 \ufffd\ufffd",
				"url":"` + linkPre + `1477238901964800808","created_at":"2026-03-01T12:00:00Z",
				"metadata":{"guild_id":"` + guild + `","channel_id":"` + help + `","message_id":"1477238901964800808",
					"author_id":"1058897343283200781","global_name":"Café 🍵"}}}]`,
		},
		{
			fixture: "message_update.json",
			events: `[{"Kind":"edit","Item":{"channel":"discord","external_id":"1477232610508800101","author":"alice_w",
				"text":"Hi! The desktop app crashes every time I open Settings > Billing on v4.2.1 (Windows 11). Reinstalling did not help.",
				"url":"` + linkPre + `1477232610508800101","created_at":"2026-02-28T09:15:00Z",
				"metadata":{"guild_id":"` + guild + `","channel_id":"` + help + `","message_id":"1477232610508800101",
					"author_id":"1058897343283200777","global_name":"Alice W.","edited_timestamp":"2026-02-28T10:00:00.000000+00:00"}}}]`,
		},
		{
			// A partial update: no author, no timestamp (created_at comes
			// from the snowflake id).
			fixture: "message_update_partial.json",
			events: `[{"Kind":"edit","Item":{"channel":"discord","external_id":"1477232610508800101",
				"text":"Fixed after the 4.2.2 update, thanks!",
				"url":"` + linkPre + `1477232610508800101","created_at":"2026-02-28T09:15:00Z",
				"metadata":{"guild_id":"` + guild + `","channel_id":"` + help + `","message_id":"1477232610508800101",
					"edited_timestamp":"2026-02-28T11:00:00.000000+00:00"}}}]`,
		},
		{
			fixture: "message_update_embeds.json",
			skipped: []string{"discord MESSAGE_UPDATE 1477232610508800101: update without content (embeds or flags only)"},
		},
		{
			fixture: "message_delete.json",
			events:  `[{"Kind":"delete","Item":{"channel":"discord","external_id":"1477236385382400606","text":""}}]`,
		},
		{
			fixture: "message_delete_bulk.json",
			events: `[{"Kind":"delete","Item":{"channel":"discord","external_id":"1477235127091200505","text":""}},
				{"Kind":"delete","Item":{"channel":"discord","external_id":"1477234246287360303","text":""}}]`,
		},
		{
			fixture: "batch.json",
			events: `[{"Kind":"message","Item":{"channel":"discord","external_id":"1477238901964800810","author":"bob.dev",
				"text":"Where do I find my invoice?","url":"` + linkPre + `1477238901964800810","created_at":"2026-02-28T09:40:00Z",
				"metadata":{"guild_id":"` + guild + `","channel_id":"` + help + `","message_id":"1477238901964800810",
					"author_id":"1058897343283200778"}}},
				{"Kind":"delete","Item":{"channel":"discord","external_id":"1477238901964800810","text":""}}]`,
			skipped: []string{"discord[0]: TYPING_START is not a message event"},
		},
	}
	a := channels.NewDiscord(channels.DiscordConfig{})
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			d, err := a.Decode(discordFixture(t, tt.fixture), discordNow)
			require.NoError(t, err)
			require.NoError(t, d.Validate(discordNow))
			require.Equal(t, tt.skipped, d.Skipped)
			require.Equal(t, tt.response, string(d.Response))
			require.Empty(t, d.ResponseType)
			if tt.check != nil {
				tt.check(t, d)
				return
			}
			discordRequireEvents(t, tt.events, d.Events)
		})
	}
}

func TestDiscordDecodeInteractions(t *testing.T) {
	t.Parallel()
	const nothing = `{"type":4,"data":{"content":"Nothing to send: use this command on a message with text or attachments.","flags":64}}`
	tests := []struct {
		name, body, response string
		skipped              []string
	}{
		{"slash command", `{"id":"11","type":2,"data":{"name":"triage","type":1}}`, nothing,
			[]string{"discord interaction 11: not a message command with a resolved target message"}},
		{"target not resolved", `{"id":"12","type":2,"data":{"name":"Report to Triage","type":3,"target_id":"5","resolved":{}}}`, nothing,
			[]string{"discord interaction 12: not a message command with a resolved target message"}},
		{"empty target message", `{"id":"13","type":2,"data":{"name":"Report to Triage","type":3,"target_id":"5",
			"resolved":{"messages":{"5":{"id":"5","channel_id":"6","content":"","type":0}}}}}`, nothing,
			[]string{"discord interaction 13 message 5: no text or attachments"}},
		{"system target message", `{"id":"14","type":2,"data":{"name":"Report to Triage","type":3,"target_id":"5",
			"resolved":{"messages":{"5":{"id":"5","channel_id":"6","content":"","type":6}}}}}`, nothing,
			[]string{"discord interaction 14 message 5: system message (type 6)"}},
		{"autocomplete", `{"id":"15","type":4,"data":{"name":"triage"}}`, `{"type":8,"data":{"choices":[]}}`,
			[]string{"discord interaction 15: an autocomplete interaction"}},
		{"modal submit", `{"id":"16","type":5,"data":{"custom_id":"m"}}`, nothing,
			[]string{"discord interaction 16: interaction type 5"}},
	}
	a := channels.NewDiscord(channels.DiscordConfig{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := a.Decode([]byte(tt.body), discordNow)
			require.NoError(t, err)
			require.Empty(t, d.Events)
			require.Equal(t, tt.skipped, d.Skipped)
			require.Equal(t, tt.response, string(d.Response))
		})
	}
}

func TestDiscordDecodeReportInThread(t *testing.T) {
	t.Parallel()
	// A bot's message in a thread, reported by a member: kept (a member
	// chose it), in the thread of the interaction's thread channel.
	body := `{"id":"21","type":2,"guild_id":"1","channel":{"id":"1477233868800000202","type":11},
		"user":{"id":"7","username":"dm_user"},
		"data":{"name":"Report to Triage","type":3,"target_id":"1477234246287360999",
			"resolved":{"messages":{"1477234246287360999":{"id":"1477234246287360999","channel_id":"1477233868800000202",
				"author":{"id":"8","username":"ScamBot","bot":true},"content":"Free nitro at https://dlscord.example",
				"timestamp":"2026-02-28T09:22:00+00:00","type":0}}}}}`
	d, err := channels.NewDiscord(channels.DiscordConfig{}).Decode([]byte(body), discordNow)
	require.NoError(t, err)
	discordRequireEvents(t, `[{"Kind":"message","Item":{"channel":"discord","external_id":"1477234246287360999","author":"ScamBot",
		"text":"Free nitro at https://dlscord.example","url":"https://discord.com/channels/1/1477233868800000202/1477234246287360999",
		"created_at":"2026-02-28T09:22:00Z","thread_id":"1477233868800000202",
		"metadata":{"guild_id":"1","channel_id":"1477233868800000202","message_id":"1477234246287360999","author_id":"8",
			"reported_by":"7","reported_by_username":"dm_user","interaction_id":"21","command":"Report to Triage"}}}]`, d.Events)
}

func TestDiscordDecodeMalformed(t *testing.T) {
	t.Parallel()
	many := "[" + strings.Repeat(`{"t":"TYPING_START","d":{}},`, items.MaxBatch) + `{"t":"TYPING_START","d":{}}]`
	tests := []struct{ name, body, contains string }{
		{"empty", "", "empty body"},
		{"not json", "MESSAGE_CREATE", "JSON object or array"},
		{"null", "null", "JSON object or array"},
		{"neither", `{"hello":"world"}`, "neither a gateway dispatch"},
		{"no data", `{"t":"MESSAGE_CREATE"}`, `has no data ("d")`},
		{"no event name", `{"d":{"id":"1"}}`, `no event name ("t")`},
		{"no id", `{"t":"MESSAGE_CREATE","d":{"content":"hi"}}`, "the message has no id"},
		{"content not a string", `{"t":"MESSAGE_CREATE","d":{"id":"1","content":5}}`, "cannot unmarshal"},
		{"delete without id", `{"t":"MESSAGE_DELETE","d":{"channel_id":"2"}}`, "MESSAGE_DELETE: want the deleted message's id"},
		{"bulk without ids", `{"t":"MESSAGE_DELETE_BULK","d":{"ids":[]}}`, "MESSAGE_DELETE_BULK: want d.ids"},
		{"bulk with empty id", `{"t":"MESSAGE_DELETE_BULK","d":{"ids":["1",""]}}`, "MESSAGE_DELETE_BULK: want the deleted message's id"},
		{"bulk over the batch limit", `[{"t":"MESSAGE_DELETE","d":{"id":"1"}},{"t":"MESSAGE_DELETE_BULK","d":{"ids":[` +
			strings.Repeat(`"2",`, items.MaxBatch-1) + `"3"]}}]`, "more than 1000 events"},
		{"in an array", `[{"t":"MESSAGE_CREATE","d":{"id":"1","content":"ok"}},{"t":"MESSAGE_CREATE","d":[]}]`, "discord[1] MESSAGE_CREATE"},
		{"too many dispatches", many, "at most 1000 allowed"},
		{"interaction type not a number", `{"id":"1","type":"2"}`, "cannot unmarshal"},
	}
	a := channels.NewDiscord(channels.DiscordConfig{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := a.Decode([]byte(tt.body), discordNow)
			require.ErrorIs(t, err, channels.ErrMalformed)
			require.ErrorContains(t, err, tt.contains)
		})
	}
}

func TestDiscordDecodeClipsIDs(t *testing.T) {
	t.Parallel()
	// Ids longer than items.MaxIDBytes are cut, not refused.
	body := `{"t":"MESSAGE_CREATE","d":{"id":"` + strings.Repeat("9", 300) + `","channel_id":"` + strings.Repeat("8", 300) + `",
		"author":{"username":"` + strings.Repeat("é", 200) + `"},"content":"hi"}}`
	d, err := channels.NewDiscord(channels.DiscordConfig{}).Decode([]byte(body), discordNow)
	require.NoError(t, err)
	require.Len(t, d.Events, 1)
	it := d.Events[0].Item
	require.Len(t, it.ExternalID, items.MaxIDBytes)
	require.Len(t, it.Author, items.MaxIDBytes)
	require.Empty(t, it.URL, "no jump link for ids that are not snowflakes")
}

func TestDiscordVerify(t *testing.T) {
	t.Parallel()
	type testBundle struct {
		adapter *channels.Discord
		key     ed25519.PrivateKey
		body    []byte
	}
	setup := func(t *testing.T) *testBundle {
		t.Helper()
		key := ed25519.NewKeyFromSeed([]byte("triage-discord-test-seed-32bytes"))
		cfg := channels.DiscordConfig{
			PublicKey:   hex.EncodeToString(key.Public().(ed25519.PublicKey)),
			RelaySecret: "relay-secret",
		}
		return &testBundle{adapter: channels.NewDiscord(cfg), key: key, body: discordFixture(t, "command_report.json")}
	}
	signed := func(key ed25519.PrivateKey, at time.Time, body []byte) http.Header {
		ts := strconv.FormatInt(at.Unix(), 10)
		h := http.Header{}
		h.Set("X-Signature-Timestamp", ts)
		h.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(key, append([]byte(ts), body...))))
		return h
	}
	relayed := func(secret string, at time.Time, body []byte) http.Header {
		h := http.Header{}
		h.Set(routing.HeaderTimestamp, strconv.FormatInt(at.Unix(), 10))
		h.Set(routing.HeaderSignature, routing.Sign(secret, at, body))
		return h
	}

	t.Run("signed interaction", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		require.NoError(t, b.adapter.Verify(signed(b.key, discordNow.Add(-time.Second), b.body), b.body, discordNow))
		d, err := b.adapter.Decode(b.body, discordNow)
		require.NoError(t, err)
		require.Len(t, d.Events, 1)
		require.Equal(t, "1477243935129600123", d.Events[0].Item.ExternalID)
	})
	t.Run("relayed gateway event", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		body := discordFixture(t, "message_create.json")
		require.NoError(t, b.adapter.Verify(relayed("relay-secret", discordNow, body), body, discordNow))
	})

	other := ed25519.NewKeyFromSeed([]byte("another-key-seed-of-32-bytes-xyz"))
	refused := []struct {
		name   string
		header func(b *testBundle) http.Header
		body   func(b *testBundle) []byte
	}{
		{"other key", func(b *testBundle) http.Header { return signed(other, discordNow, b.body) }, nil},
		{"tampered body", func(b *testBundle) http.Header { return signed(b.key, discordNow, b.body) },
			func(b *testBundle) []byte { return []byte(strings.Replace(string(b.body), "502", "503", 1)) }},
		{"stale timestamp", func(b *testBundle) http.Header { return signed(b.key, discordNow.Add(-10*time.Minute), b.body) }, nil},
		{"future timestamp", func(b *testBundle) http.Header { return signed(b.key, discordNow.Add(10*time.Minute), b.body) }, nil},
		{"timestamp not signed", func(b *testBundle) http.Header {
			h := signed(b.key, discordNow, b.body)
			h.Set("X-Signature-Timestamp", strconv.FormatInt(discordNow.Unix()-1, 10))
			return h
		}, nil},
		{"missing timestamp", func(b *testBundle) http.Header {
			h := signed(b.key, discordNow, b.body)
			h.Del("X-Signature-Timestamp")
			return h
		}, nil},
		{"signature not hex", func(b *testBundle) http.Header {
			h := signed(b.key, discordNow, b.body)
			h.Set("X-Signature-Ed25519", "zz"+h.Get("X-Signature-Ed25519")[2:])
			return h
		}, nil},
		{"signature short", func(b *testBundle) http.Header {
			h := signed(b.key, discordNow, b.body)
			h.Set("X-Signature-Ed25519", h.Get("X-Signature-Ed25519")[:64])
			return h
		}, nil},
		{"no headers", func(*testBundle) http.Header { return http.Header{} }, nil},
		{"relay, wrong secret", func(b *testBundle) http.Header { return relayed("guess", discordNow, b.body) }, nil},
		{"relay, stale", func(b *testBundle) http.Header {
			return relayed("relay-secret", discordNow.Add(-6*time.Minute), b.body)
		}, nil},
		{"relay, tampered body", func(b *testBundle) http.Header { return relayed("relay-secret", discordNow, b.body) },
			func(b *testBundle) []byte { return append([]byte(" "), b.body...) }},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			body := b.body
			if tt.body != nil {
				body = tt.body(b)
			}
			err := b.adapter.Verify(tt.header(b), body, discordNow)
			require.ErrorIs(t, err, channels.ErrUnauthorized)
		})
	}

	notConfigured := []struct {
		name string
		cfg  channels.DiscordConfig
		sign func(b *testBundle) http.Header
	}{
		{"no public key", channels.DiscordConfig{RelaySecret: "relay-secret"},
			func(b *testBundle) http.Header { return signed(b.key, discordNow, b.body) }},
		{"invalid public key", channels.DiscordConfig{PublicKey: "not-hex"},
			func(b *testBundle) http.Header { return signed(b.key, discordNow, b.body) }},
		{"no relay secret", channels.DiscordConfig{PublicKey: strings.Repeat("ab", 32)},
			func(b *testBundle) http.Header { return relayed("relay-secret", discordNow, b.body) }},
		{"nothing, no headers", channels.DiscordConfig{}, func(*testBundle) http.Header { return http.Header{} }},
	}
	for _, tt := range notConfigured {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			err := channels.NewDiscord(tt.cfg).Verify(tt.sign(b), b.body, discordNow)
			require.ErrorIs(t, err, channels.ErrNotConfigured)
		})
	}
}

func FuzzDiscordDecode(f *testing.F) {
	entries, err := os.ReadDir(filepath.Join("testdata", "discord"))
	require.NoError(f, err)
	for _, e := range entries {
		f.Add(discordFixture(f, e.Name()))
	}
	f.Add([]byte(`[{"t":"MESSAGE_DELETE_BULK","d":{"ids":["1","2"]}},{"op":11}]`))
	f.Add([]byte(`{"id":"1","type":2,"data":{"type":3,"resolved":{"messages":{"9":{"content":"x"}}}}}`))
	a := channels.NewDiscord(channels.DiscordConfig{})
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := a.Decode(body, discordNow)
		if err != nil {
			require.ErrorIs(t, err, channels.ErrMalformed)
			return
		}
		require.NoError(t, d.Validate(discordNow))
	})
}
