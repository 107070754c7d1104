package channels_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
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

// emailNow is the time every email test decodes at.
var emailNow = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// emailWant is an expected item; Meta is its metadata as JSON.
type emailWant struct {
	ID, Parent, Thread, Author, CreatedAt, Text string
	Meta                                        string
}

// emailDecode decodes raw and checks the delivery as ingestion would.
func emailDecode(t *testing.T, a *channels.Email, raw []byte) channels.Delivery {
	t.Helper()
	d, err := a.Decode(raw, emailNow)
	require.NoError(t, err)
	require.NoError(t, d.Validate(emailNow))
	return d
}

func emailFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "email", name))
	require.NoError(t, err)
	return b
}

// requireEmailEvents checks every event of d against want.
func requireEmailEvents(t *testing.T, want []emailWant, d channels.Delivery) {
	t.Helper()
	require.Len(t, d.Events, len(want))
	for i, w := range want {
		e := d.Events[i]
		require.Equal(t, channels.KindMessage, e.Kind)
		got := e.Item
		require.Equal(t, "email", got.Channel)
		require.Equal(t, w, emailWant{
			ID: got.ExternalID, Parent: got.ParentID, Thread: got.ThreadID, Author: got.Author,
			CreatedAt: got.CreatedAt, Text: got.Text, Meta: w.Meta,
		})
		require.JSONEq(t, w.Meta, string(got.Metadata))
	}
}

func TestEmailDecodeFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file    string
		want    []emailWant
		skipped []string
	}{
		{file: "plain.eml", want: []emailWant{{
			ID: "CAB1234.plain@mail.example.com", Author: "jane.doe@example.com", CreatedAt: "2026-03-02T08:15:00Z",
			Text: "Subject: Cannot log in after the update\n\nHi,\n\nSince the 4.2 update I cannot log in: the app says \"session expired\"\nright after I enter my password.\n\nThanks,\nJane",
			Meta: `{"message_id":"CAB1234.plain@mail.example.com","subject":"Cannot log in after the update","from_name":"Jane Doe",
				"to":["support@acme.test"],"cc":["bob@example.com","carol@example.com"]}`,
		}}},
		{file: "alternative.eml", want: []emailWant{{
			ID: "alt-0001@example.org", Author: "ken@example.org", CreatedAt: "2026-03-03T19:02:11Z",
			Text: "Subject: Export to CSV is broken\n\nWhen I export the report to CSV the file is empty — the preview shows 42 rows.",
			Meta: `{"message_id":"alt-0001@example.org","subject":"Export to CSV is broken","from_name":"Ken Adams","to":["support@acme.test"]}`,
		}}},
		{file: "html_only.eml", want: []emailWant{{
			ID: "html-only-77@example.net", Parent: "reply-from-support-1@acme.test", Thread: "order-1189-root@example.net",
			Author: "zoe@example.net", CreatedAt: "2026-03-04T08:00:00Z",
			Text: "Subject: Re: Refund for order 1189\n\nHello,\n\nI still have not received the refund for order #1189. I tried:\n\n- the form & the chat\n- calling <twice>\n\nRegards,\nZoë",
			Meta: `{"message_id":"html-only-77@example.net","subject":"Re: Refund for order 1189","from_name":"Zoë Martin","to":["support@acme.test"],
				"in_reply_to":"reply-from-support-1@acme.test","references":["order-1189-root@example.net","reply-from-support-1@acme.test"],
				"quoted_stripped":true}`,
		}}},
		{file: "reply_gmail.eml", want: []emailWant{{
			ID: "CAGmail-reply-5@mail.gmail.com", Parent: "ticket-88-2@acme.test", Thread: "ticket-88-1@acme.test",
			Author: "priya@example.com", CreatedAt: "2026-03-05T05:00:00Z",
			Text: "Subject: Re: Your ticket about sync errors\n\nIt happens again today, on both laptops. Logs attached next time.",
			Meta: `{"message_id":"CAGmail-reply-5@mail.gmail.com","subject":"Re: Your ticket about sync errors","from_name":"Priya Shah",
				"to":["support@acme.test"],"in_reply_to":"ticket-88-2@acme.test","references":["ticket-88-1@acme.test","ticket-88-2@acme.test"],
				"quoted_stripped":true}`,
		}}},
		{file: "reply_outlook.eml", want: []emailWant{{
			ID: "DB7PR01MB1234.outlook@contoso.example", Parent: "invoice-114@acme.test", Thread: "invoice-114@acme.test",
			Author: "tom.becker@contoso.example", CreatedAt: "2026-03-06T16:45:00Z",
			Text: "Subject: RE: Invoice 2026-114\n\nThe amount on the invoice is wrong: we have 12 seats, not 15.\n\nBest regards\nTom",
			Meta: `{"message_id":"DB7PR01MB1234.outlook@contoso.example","subject":"RE: Invoice 2026-114","from_name":"Tom Becker",
				"to":["support@acme.test"],"in_reply_to":"invoice-114@acme.test","quoted_stripped":true}`,
		}}},
		{file: "reply_original.eml", want: []emailWant{{
			ID: "00a101dc1234$abcd$ef00@fabrikam.example", Parent: "reset-5@acme.test", Thread: "reset-1@acme.test",
			Author: "ann.lee@fabrikam.example", CreatedAt: "2026-03-06T19:20:00Z",
			Text: "Subject: RE: Password reset\n\nThe reset link expired before I could use it – can you send a new one?",
			Meta: `{"message_id":"00a101dc1234$abcd$ef00@fabrikam.example","subject":"RE: Password reset","from_name":"Lee, Ann",
				"to":["support@acme.test"],"in_reply_to":"reset-5@acme.test","references":["reset-1@acme.test","reset-5@acme.test"],
				"quoted_stripped":true}`,
		}}},
		{file: "reply_french.eml", want: []emailWant{{
			ID: "fr-reply-12@exemple.fr", Parent: "fr-ticket-12@acme.test", Thread: "fr-ticket-12@acme.test",
			Author: "amelie.dupont@exemple.fr", CreatedAt: "2026-03-09T10:05:00Z",
			Text: "Subject: Re: Problème de connexion\n\nBonjour,\n\nJe n'arrive toujours pas à me connecter depuis ce matin.\n\nCordialement,\nAmélie",
			Meta: `{"message_id":"fr-reply-12@exemple.fr","subject":"Re: Problème de connexion","from_name":"Amélie Dupont",
				"to":["support@acme.test"],"in_reply_to":"fr-ticket-12@acme.test","references":["fr-ticket-12@acme.test"],
				"quoted_stripped":true}`,
		}}},
		{file: "forward.eml", want: []emailWant{{
			ID: "fwd-42@example.com", Author: "sam@example.com", CreatedAt: "2026-03-07T12:00:00Z",
			Text: "Subject: Payment failed but I was charged\n\nCan you check this? My card was charged anyway.\n\n" +
				"---------- Forwarded message ---------\nFrom: Acme Payments <payments@acme.test>\nDate: Fri, Mar 6, 2026 at 8:00 PM\n" +
				"Subject: Payment failed\nTo: <sam@example.com>\n\nYour payment of $49.00 failed. Please update your card.\n\n--\nAcme Payments",
			Meta: `{"message_id":"fwd-42@example.com","subject":"Payment failed but I was charged","from_name":"Sam Ortiz","to":["support@acme.test"]}`,
		}}},
		{file: "signature.eml", want: []emailWant{{
			ID: "sig-3@example.com", Author: "mia@example.com", CreatedAt: "2026-03-08T07:00:00Z",
			Text: "Subject: Dark mode request\n\nPlease add a dark mode to the dashboard, my eyes hurt at night.",
			Meta: `{"message_id":"sig-3@example.com","subject":"Dark mode request","from_name":"Mia Wong","quoted_stripped":true}`,
		}}},
		{file: "latin1_qp.eml", want: []emailWant{{
			ID: "latin1-qp-9@exemple.ca", Author: "francois@exemple.ca", CreatedAt: "2026-03-09T19:30:00Z",
			// ISO-8859-1 is read as windows-1252, as mail clients do: 0x80 is €.
			Text: "Subject: Réclamation : facture erronée\n\nBonjour,\n\nLa facture de février indique 120 € au lieu de 100 €.\nMerci de corriger.",
			Meta: `{"message_id":"latin1-qp-9@exemple.ca","subject":"Réclamation : facture erronée","from_name":"François Lévesque","to":["support@acme.test"]}`,
		}}},
		{file: "sjis_base64.eml", want: []emailWant{{
			ID: "sjis-b64-3@example.jp", Author: "taro.yamada@example.jp", CreatedAt: "2026-03-10T00:00:00Z",
			Text: "Subject: ログインの問題\n\nログインできません。\nエラー番号は E-102 です。",
			Meta: `{"message_id":"sjis-b64-3@example.jp","subject":"ログインの問題","from_name":"山田 太郎","to":["support@acme.test"]}`,
		}}},
		{file: "unknown_charset.eml", want: []emailWant{{
			ID: "unknown-cs-1@example.com", Author: "vik@example.com", CreatedAt: "2026-03-10T08:00:00Z",
			Text: "Subject: App crashes\n\nThe app crashes on start \uFFFD every time.",
			Meta: `{"message_id":"unknown-cs-1@example.com","subject":"App crashes","from_name":"Vik","to":["support@acme.test"],"charset_fallback":true}`,
		}}},
		{file: "attachment_only.eml", want: []emailWant{{
			ID: "att-only-1@supplier.example", Author: "accounts@supplier.example", CreatedAt: "2026-03-10T07:30:00Z",
			Text: "Subject: Invoice\n\n[no text; 2 attachment(s): invoice-0311.pdf, capture d’écran.png]",
			Meta: `{"message_id":"att-only-1@supplier.example","subject":"Invoice","to":["support@acme.test"],"attachments":[
				{"name":"invoice-0311.pdf","content_type":"application/pdf","size":78},
				{"name":"capture d’écran.png","content_type":"image/png","size":48}]}`,
		}}},
		{file: "two.mbox", want: []emailWant{{
			ID: "mbox-1@example.com", Author: "jane@example.com", CreatedAt: "2026-03-09T10:00:00Z",
			Text: "Subject: First\n\nFirst message body.\nFrom the logs, it fails at 10:00.",
			Meta: `{"message_id":"mbox-1@example.com","subject":"First","from_name":"Jane"}`,
		}, {
			ID: "mbox-2@example.com", Parent: "mbox-1@example.com", Thread: "mbox-1@example.com",
			Author: "bob@example.com", CreatedAt: "2026-03-09T11:00:00Z",
			Text: "Subject: Second\n\nSecond message body.",
			Meta: `{"message_id":"mbox-2@example.com","subject":"Second","from_name":"Bob","in_reply_to":"mbox-1@example.com"}`,
		}}},
		{file: "auto_reply.eml", skipped: []string{"email ooo-1@example.com: automatic reply (Auto-Submitted: auto-replied)"}},
		{file: "bounce.eml", skipped: []string{"email bounce-7@mx.acme.test: bounce (multipart/report; report-type=delivery-status)"}},
		{file: "own_address.eml", skipped: []string{"email own-1@acme.test: sent from the team's own address support@acme.test"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			a := channels.NewEmail(channels.EmailConfig{OwnAddresses: []string{"Acme Support <Support@Acme.test>"}})
			d := emailDecode(t, a, emailFixture(t, tt.file))
			requireEmailEvents(t, tt.want, d)
			require.Equal(t, tt.skipped, d.Skipped)
		})
	}
}

func TestEmailDecodeWithoutMessageID(t *testing.T) {
	t.Parallel()
	a := channels.NewEmail(channels.EmailConfig{})
	raw := emailFixture(t, "no_message_id.eml")
	require.True(t, bytes.Contains(raw, []byte("\r\n")), "the fixture has CRLF line endings")
	lf := bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))
	sum := sha256.Sum256(bytes.TrimRight(lf, "\n"))
	want := "sha256:" + hex.EncodeToString(sum[:])

	requireEmailEvents(t, []emailWant{{
		ID: want, Author: "olu@example.com", CreatedAt: "2026-03-10T10:00:00Z",
		Text: "Subject: Where is my order?\n\nOrder 5521 was due yesterday and the tracking page is blank.",
		Meta: `{"subject":"Where is my order?","from_name":"Olu","to":["support@acme.test"]}`,
	}}, emailDecode(t, a, raw))
	// The same message with LF line endings (a file saved on another
	// system) is the same item.
	require.Equal(t, want, emailDecode(t, a, lf).Events[0].Item.ExternalID)
}

func TestEmailDecodeLongBody(t *testing.T) {
	t.Parallel()
	a := channels.NewEmail(channels.EmailConfig{})
	raw := emailFixture(t, "long_body.eml")
	require.Greater(t, len(raw), items.MaxTextBytes)
	d := emailDecode(t, a, raw)
	require.Len(t, d.Events, 1)
	text := d.Events[0].Item.Text
	require.LessOrEqual(t, len(text), items.MaxTextBytes)
	require.True(t, strings.HasPrefix(text, "Subject: Full sync log\n\nLine 0001: the sync log"), text[:80])
	require.True(t, strings.HasSuffix(text, " […]"))
	require.JSONEq(t, `{"message_id":"long-1@example.com","subject":"Full sync log","from_name":"Logs",
		"to":["support@acme.test"],"text_truncated":true}`, string(d.Events[0].Item.Metadata))
}

// emailMessage is a message with the usual headers and a plain-text body;
// extra headers go before Content-Type.
func emailMessage(extra, body string) []byte {
	return []byte("From: Jane <jane@example.com>\nTo: support@acme.test\nSubject: Help\n" +
		"Date: Tue, 10 Mar 2026 09:00:00 +0000\nMessage-ID: <inline@example.com>\n" + extra +
		"Content-Type: text/plain; charset=utf-8\n\n" + body)
}

func TestEmailDecodeMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		raw      []byte
		text     string // the event's text, or "" for none
		metaKeys []string
		skipped  []string
	}{
		{name: "bottom-posted reply keeps the answer",
			raw:  emailMessage("", "On Mon, Mar 9, 2026 at 9:00 AM Support <support@acme.test> wrote:\n> Did the fix work?\n\nNo, it still fails."),
			text: "Subject: Help\n\nNo, it still fails.", metaKeys: []string{"quoted_stripped"}},
		{name: "bottom-posted reply with a signature",
			raw:  emailMessage("", "Support <support@acme.test> wrote:\n> Did the fix work?\n\nNo.\n-- \nJane"),
			text: "Subject: Help\n\nNo.", metaKeys: []string{"quoted_stripped"}},
		{name: "interleaved answers are kept",
			raw:  emailMessage("", "> Which version?\n4.2\n> Which device?\nPixel 8"),
			text: "Subject: Help\n\n> Which version?\n4.2\n> Which device?\nPixel 8"},
		{name: "a body that is only a quote is kept",
			raw:  emailMessage("", "> the error says 503"),
			text: "Subject: Help\n\n> the error says 503"},
		{name: "attribution without On, followed by a quote",
			raw:  emailMessage("", "Still broken.\n\nAcme Support <support@acme.test> wrote:\n> Fixed now."),
			text: "Subject: Help\n\nStill broken.", metaKeys: []string{"quoted_stripped"}},
		{name: "a sentence with wrote: and no quote is not an attribution",
			raw:  emailMessage("", "On Monday my colleague wrote:\nthe export works for her."),
			text: "Subject: Help\n\nOn Monday my colleague wrote:\nthe export works for her."},
		{name: "German attribution",
			raw:  emailMessage("", "Geht immer noch nicht.\n\nAm 09.03.2026 um 10:00 schrieb Support <support@acme.test>:\n> Bitte neu starten."),
			text: "Subject: Help\n\nGeht immer noch nicht.", metaKeys: []string{"quoted_stripped"}},
		{name: "Spanish attribution",
			raw:  emailMessage("", "Sigue fallando.\n\nEl lun, 9 mar 2026 a las 10:00, Soporte (<support@acme.test>) escribió:\n> ¿Puede reintentar?"),
			text: "Subject: Help\n\nSigue fallando.", metaKeys: []string{"quoted_stripped"}},
		{name: "a Fwd: subject keeps the quoted history",
			raw: []byte("From: jane@example.com\nSubject: Fwd: Outage\nMessage-ID: <fwd@example.com>\n\n" +
				"FYI\n\nOn Mon, Mar 9, 2026 at 9:00 AM Ops <ops@example.com> wrote:\n> The API is down."),
			text: "Subject: Fwd: Outage\n\nFYI\n\nOn Mon, Mar 9, 2026 at 9:00 AM Ops <ops@example.com> wrote:\n> The API is down."},
		{name: "a subject alone is a message",
			raw:  emailMessage("", ""),
			text: "Subject: Help"},
		{name: "base64 padded line by line",
			raw:  []byte("From: jane@example.com\nMessage-ID: <b64@example.com>\nContent-Transfer-Encoding: base64\n\naGk=\nIHRoZXJl\n"),
			text: "hi there"},
		{name: "multipart without a boundary is read as text",
			raw:  []byte("From: jane@example.com\nMessage-ID: <nb@example.com>\nContent-Type: multipart/mixed\n\nplain words"),
			text: "plain words"},
		{name: "Auto-Submitted: no is a person",
			raw:  emailMessage("Auto-Submitted: no\n", "Hi"),
			text: "Subject: Help\n\nHi", metaKeys: []string{"auto_submitted"}},
		{name: "Precedence: bulk", raw: emailMessage("Precedence: bulk\n", "Newsletter"),
			skipped: []string{"email inline@example.com: bulk or automatic mail (Precedence: bulk)"}},
		{name: "X-Autoreply", raw: emailMessage("X-Autoreply: yes\n", "Away"),
			skipped: []string{"email inline@example.com: automatic reply (X-Autoreply)"}},
		{name: "read receipt", raw: []byte("From: jane@example.com\nMessage-ID: <mdn@example.com>\n" +
			"Content-Type: multipart/report; report-type=disposition-notification; boundary=b\n\n--b\n\nread\n--b--\n"),
			skipped: []string{"email mdn@example.com: automatic report (multipart/report; report-type=disposition-notification)"}},
		{name: "empty message", raw: []byte("From: jane@example.com\nMessage-ID: <empty@example.com>\n\n \n"),
			skipped: []string{"email empty@example.com: empty message (no subject, text or attachment)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := emailDecode(t, channels.NewEmail(channels.EmailConfig{}), tt.raw)
			require.Equal(t, tt.skipped, d.Skipped)
			if tt.text == "" {
				require.Empty(t, d.Events)
				return
			}
			require.Len(t, d.Events, 1)
			require.Equal(t, tt.text, d.Events[0].Item.Text)
			var meta map[string]any
			require.NoError(t, json.Unmarshal(d.Events[0].Item.Metadata, &meta))
			for _, k := range tt.metaKeys {
				require.Contains(t, meta, k)
			}
		})
	}
}

func TestEmailDecodeHeaders(t *testing.T) {
	t.Parallel()
	a := channels.NewEmail(channels.EmailConfig{})
	d := emailDecode(t, a, []byte("From: jane@example.com\nMessage-ID: bare-id@example.com\n"+
		"In-Reply-To: <a@example.com> (Bob's message of Monday) <b@example.com>\nDate: Sun, 1 Jan 1995 00:00:00 +0000\n\nhello"))
	it := d.Events[0].Item
	require.Equal(t, "bare-id@example.com", it.ExternalID)
	require.Equal(t, "a@example.com", it.ParentID)
	require.Equal(t, "a@example.com", it.ThreadID)
	require.Empty(t, it.CreatedAt, "a date before 2000 is dropped")
	require.Empty(t, emailDecode(t, a, bytes.Replace(emailMessage("", "Hi"), []byte("Tue, 10 Mar 2026"),
		[]byte("Fri, 10 Mar 2034"), 1)).Events[0].Item.CreatedAt, "a date in the future is dropped")
}

func TestEmailDecodeLimits(t *testing.T) {
	t.Parallel()
	a := channels.NewEmail(channels.EmailConfig{})
	t.Run("depth", func(t *testing.T) {
		t.Parallel()
		var b strings.Builder
		b.WriteString("From: jane@example.com\nMessage-ID: <deep@example.com>\nSubject: Deep\n")
		for i := range 12 {
			fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i)
		}
		b.WriteString("Content-Type: text/plain\n\ntoo deep to read\n")
		d := emailDecode(t, a, []byte(b.String()))
		require.Equal(t, "Subject: Deep", d.Events[0].Item.Text)
		require.JSONEq(t, `{"message_id":"deep@example.com","subject":"Deep","mime_truncated":true}`, string(d.Events[0].Item.Metadata))
	})
	t.Run("parts", func(t *testing.T) {
		t.Parallel()
		var b strings.Builder
		b.WriteString("From: jane@example.com\nMessage-ID: <many@example.com>\nContent-Type: multipart/mixed; boundary=p\n\n")
		for i := 1; i <= 150; i++ {
			fmt.Fprintf(&b, "--p\nContent-Type: text/plain\n\npart %d\n", i)
		}
		b.WriteString("--p--\n")
		d := emailDecode(t, a, []byte(b.String()))
		text := d.Events[0].Item.Text
		require.True(t, strings.HasSuffix(text, "\n\npart 99"), text)
		require.NotContains(t, text, "part 100")
		require.Contains(t, string(d.Events[0].Item.Metadata), `"mime_truncated":true`)
	})
}

func TestEmailDecodeMboxLimit(t *testing.T) {
	t.Parallel()
	a := channels.NewEmail(channels.EmailConfig{})
	var b strings.Builder
	for i := 1; i <= 10002; i++ {
		fmt.Fprintf(&b, "From x Mon Mar  9 10:00:00 2026\nFrom: a@example.com\nMessage-ID: <%d@example.com>\n\nmessage %d\n\n", i, i)
	}
	d := emailDecode(t, a, []byte(b.String()))
	require.Len(t, d.Events, 10000)
	require.Equal(t, "10000@example.com", d.Events[9999].Item.ExternalID)
	require.Equal(t, []string{"mbox: 2 message(s) after the first 10000 left out; split the file"}, d.Skipped)
}

func TestEmailDecodeMalformed(t *testing.T) {
	t.Parallel()
	a := channels.NewEmail(channels.EmailConfig{})
	tests := []struct{ name, raw, want string }{
		{"empty", "", "empty email message"},
		{"blank", " \r\n ", "empty email message"},
		{"JSON", `{"text":"hello"}`, "not an email message"},
		{"prose", "hello there\n\nhow are you", "email headers"},
		{"no mail header", "X-Foo: bar\n\nbody", "not an email message"},
		{"mbox of junk", "From x Mon Mar  9 10:00:00 2026\nnot a header\n", "none readable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := a.Decode([]byte(tt.raw), emailNow)
			require.ErrorIs(t, err, channels.ErrMalformed)
			require.ErrorContains(t, err, tt.want)
		})
	}
	t.Run("mbox with one bad message", func(t *testing.T) {
		t.Parallel()
		raw := "From x Mon Mar  9 10:00:00 2026\nnot a header\n\nFrom y Mon Mar  9 10:00:00 2026\nFrom: y@example.com\nMessage-ID: <y@example.com>\n\nok\n"
		d := emailDecode(t, a, []byte(raw))
		require.Len(t, d.Events, 1)
		require.Len(t, d.Skipped, 1)
		require.True(t, strings.HasPrefix(d.Skipped[0], "mbox message 1: malformed payload: email headers"), d.Skipped[0])
	})
}

func TestEmailVerify(t *testing.T) {
	t.Parallel()
	const secret = "test-relay-secret"
	body := []byte("From: jane@example.com\n\nhello")
	signed := func(ts time.Time, b []byte) http.Header {
		h := http.Header{}
		h.Set(routing.HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
		h.Set(routing.HeaderSignature, routing.Sign(secret, ts, b))
		return h
	}
	a := channels.NewEmail(channels.EmailConfig{RelaySecret: secret})
	require.Equal(t, "email", a.Name())
	require.NoError(t, a.Verify(signed(emailNow, body), body, emailNow))

	tests := []struct {
		name string
		h    http.Header
		body []byte
	}{
		{"tampered body", signed(emailNow, body), append(bytes.Clone(body), '!')},
		{"stale", signed(emailNow.Add(-10*time.Minute), body), body},
		{"missing headers", http.Header{}, body},
		{"other secret", func() http.Header {
			h := signed(emailNow, body)
			h.Set(routing.HeaderSignature, routing.Sign("other", emailNow, body))
			return h
		}(), body},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.ErrorIs(t, a.Verify(tt.h, tt.body, emailNow), channels.ErrUnauthorized)
		})
	}
	t.Run("no secret", func(t *testing.T) {
		t.Parallel()
		err := channels.NewEmail(channels.EmailConfig{}).Verify(signed(emailNow, body), body, emailNow)
		require.ErrorIs(t, err, channels.ErrNotConfigured)
	})
}

func FuzzEmailDecode(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "email", "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(emailMessage("", "> quoted\n-- \nsig"))
	f.Add([]byte("From: a@b\nContent-Type: text/html\n\n<blockquote><pre>x</pre><script>y"))
	a := channels.NewEmail(channels.EmailConfig{OwnAddresses: []string{"support@acme.test"}})
	f.Fuzz(func(t *testing.T, raw []byte) {
		d, err := a.Decode(raw, emailNow)
		if err != nil {
			if !errors.Is(err, channels.ErrMalformed) {
				t.Fatalf("error not ErrMalformed: %v", err)
			}
			return
		}
		if err := d.Validate(emailNow); err != nil {
			t.Fatalf("invalid delivery: %v", err)
		}
	})
}
