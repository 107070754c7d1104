package drafts_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/calllog"
	"github.com/triage-oss/triage/internal/drafts"
	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/llm/llmtest"
	"github.com/triage-oss/triage/internal/postgres/pgtest"
	"github.com/triage-oss/triage/internal/prompt"
	"github.com/triage-oss/triage/internal/redact"
	"github.com/triage-oss/triage/prompts"
)

// With Redact set, the item's personal data never reaches the model: the
// author and text go with placeholders, the knowledge-base passages as
// they are. Without it, the text goes as it is.
func TestLLMWriterRedactsPII(t *testing.T) {
	t.Parallel()
	const (
		email = "ana.perez@example.com"
		phone = "+33 6 12 34 56 78"
		card  = "5555 5555 5555 4444"
	)
	req := drafts.Request{Channel: "email", Author: email, Passages: passages,
		Text: "Sync is stuck since I paid with " + card + "; call me on " + phone + " or write to " + email}

	write := func(t *testing.T, redactor func(string) string) llmtest.Call {
		t.Helper()
		model := llmtest.NewOpenAI(t, llmtest.Classifier())
		client, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: model.BaseURL(), Model: "gpt-test"})
		require.NoError(t, err)
		p, err := prompt.Load(prompts.FS, "draft/v1")
		require.NoError(t, err)
		w, err := drafts.NewLLMWriter(client, calllog.NewStore(pgtest.New(t)), p, "")
		require.NoError(t, err)
		w.Redact = redactor
		out, err := w.Write(context.Background(), req)
		require.NoError(t, err)
		require.NotEmpty(t, out.Body)
		calls := model.Calls()
		require.Len(t, calls, 1)
		return calls[0]
	}

	t.Run("on", func(t *testing.T) {
		t.Parallel()
		r := redact.New(redact.All)
		call := write(t, func(s string) string { out, _ := r.Redact(s); return out })
		for _, v := range []string{email, phone, card, "ana.perez", "5555555555554444", "12 34 56 78"} {
			for _, m := range call.Messages {
				require.NotContains(t, m.Content, v)
			}
		}
		user := call.LastUser()
		for _, p := range []string{"[EMAIL_1]", "[PHONE_1]", "[CARD_1]", "Sync is stuck", "Sync troubleshooting", passages[0].Text} {
			require.Contains(t, user, p)
		}
	})

	t.Run("off", func(t *testing.T) {
		t.Parallel()
		user := write(t, nil).LastUser()
		for _, v := range []string{email, phone, card} {
			require.Contains(t, user, v)
		}
	})
}
