package senders_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/drafts"
	"github.com/triage-oss/triage/internal/senders"
)

// platform is a fake platform API: it records requests and answers with
// the status and body the test sets.
type platform struct {
	srv    *httptest.Server
	mu     sync.Mutex
	paths  []string
	auths  []string
	bodies []map[string]any
	status int
	answer string
}

func newPlatform(t *testing.T, status int, answer string) *platform {
	p := &platform{status: status, answer: answer}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var body map[string]any
		_ = json.Unmarshal(b, &body)
		p.mu.Lock()
		p.paths, p.auths, p.bodies = append(p.paths, r.URL.Path), append(p.auths, r.Header.Get("Authorization")), append(p.bodies, body)
		p.mu.Unlock()
		w.WriteHeader(p.status)
		_, _ = io.WriteString(w, p.answer)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func out(channel, metadata string) drafts.Outgoing {
	return drafts.Outgoing{DraftID: 1, ItemID: 7, Channel: channel, Body: "Fixed in 5.2.1, thanks for the patience.", Metadata: json.RawMessage(metadata)}
}

func TestTelegram(t *testing.T) {
	t.Parallel()
	p := newPlatform(t, 200, `{"ok":true,"result":{"message_id":99}}`)
	s := senders.NewTelegram("123:ABC", p.srv.URL, nil)
	require.NoError(t, s.Send(context.Background(), out("telegram", `{"chat_id":-100123,"message_id":42}`)))
	require.Equal(t, "/bot123:ABC/sendMessage", p.paths[0])
	require.Equal(t, -100123.0, p.bodies[0]["chat_id"])
	require.Equal(t, 42.0, p.bodies[0]["reply_parameters"].(map[string]any)["message_id"])
	require.Equal(t, "Fixed in 5.2.1, thanks for the patience.", p.bodies[0]["text"])

	p.status, p.answer = 403, `{"ok":false,"description":"Forbidden: bot was blocked by the user"}`
	err := s.Send(context.Background(), out("telegram", `{"chat_id":5,"message_id":1}`))
	require.ErrorIs(t, err, drafts.ErrPermanent)
	require.NotContains(t, err.Error(), "123:ABC", "the token stays out of errors")
	p.status, p.answer = 429, `{"ok":false,"description":"Too Many Requests: retry after 3"}`
	err = s.Send(context.Background(), out("telegram", `{"chat_id":5,"message_id":1}`))
	require.Error(t, err)
	require.NotErrorIs(t, err, drafts.ErrPermanent, "a rate limit is retried")
	require.ErrorIs(t, s.Send(context.Background(), out("telegram", `{}`)), drafts.ErrPermanent, "no chat to reply in")
}

func TestSlack(t *testing.T) {
	t.Parallel()
	p := newPlatform(t, 200, `{"ok":true,"ts":"1732000000.000200"}`)
	s := senders.NewSlack("xoxb-1", p.srv.URL, nil)
	require.NoError(t, s.Send(context.Background(), out("slack", `{"channel":"C024BE91L","ts":"1732000000.000100","thread_ts":"1731999999.000001"}`)))
	require.Equal(t, "/chat.postMessage", p.paths[0])
	require.Equal(t, "Bearer xoxb-1", p.auths[0])
	require.Equal(t, "C024BE91L", p.bodies[0]["channel"])
	require.Equal(t, "1731999999.000001", p.bodies[0]["thread_ts"], "replies go in the thread")
	require.NoError(t, s.Send(context.Background(), out("slack", `{"channel":"C1","ts":"1.2"}`)))
	require.Equal(t, "1.2", p.bodies[1]["thread_ts"], "a root message gets a thread")

	p.answer = `{"ok":false,"error":"channel_not_found"}`
	require.ErrorIs(t, s.Send(context.Background(), out("slack", `{"channel":"C1","ts":"1.2"}`)), drafts.ErrPermanent)
	p.answer = `{"ok":false,"error":"ratelimited"}`
	err := s.Send(context.Background(), out("slack", `{"channel":"C1","ts":"1.2"}`))
	require.Error(t, err)
	require.NotErrorIs(t, err, drafts.ErrPermanent)
}

func TestDiscord(t *testing.T) {
	t.Parallel()
	p := newPlatform(t, 200, `{"id":"1"}`)
	s := senders.NewDiscord("bot-token", p.srv.URL, nil)
	require.NoError(t, s.Send(context.Background(), out("discord", `{"guild_id":"1","channel_id":"222","message_id":"333"}`)))
	require.Equal(t, "/channels/222/messages", p.paths[0])
	require.Equal(t, "Bot bot-token", p.auths[0])
	require.Equal(t, "333", p.bodies[0]["message_reference"].(map[string]any)["message_id"])
	require.Equal(t, []any{}, p.bodies[0]["allowed_mentions"].(map[string]any)["parse"], "a reply pings nobody")
	p.status = 503
	err := s.Send(context.Background(), out("discord", `{"channel_id":"222","message_id":"333"}`))
	require.Error(t, err)
	require.NotErrorIs(t, err, drafts.ErrPermanent)
	p.status = 404
	require.ErrorIs(t, s.Send(context.Background(), out("discord", `{"channel_id":"222"}`)), drafts.ErrPermanent)
}

type recorder struct{ got []string }

func (r *recorder) Send(_ context.Context, o drafts.Outgoing) error {
	r.got = append(r.got, o.Channel)
	return nil
}

func TestRouter(t *testing.T) {
	t.Parallel()
	slack, fallback := &recorder{}, &recorder{}
	r := &senders.Router{ByChannel: map[string]drafts.Sender{"slack": slack}, Fallback: fallback}
	for _, ch := range []string{"slack", "x", "email", "slack"} {
		require.NoError(t, r.Send(context.Background(), drafts.Outgoing{Channel: ch}))
	}
	require.Equal(t, []string{"slack", "slack"}, slack.got)
	require.Equal(t, []string{"x", "email"}, fallback.got)
	require.Equal(t, []string{"slack"}, r.Channels())
	err := (&senders.Router{Fallback: drafts.NoSender{}}).Send(context.Background(), drafts.Outgoing{Channel: "x"})
	require.True(t, errors.Is(err, drafts.ErrPermanent) && strings.Contains(err.Error(), "no sender"))
}
