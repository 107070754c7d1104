package classify_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/calllog"
	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/llm/llmtest"
	"github.com/triage-oss/triage/internal/prompt"
	"github.com/triage-oss/triage/internal/redact"
	"github.com/triage-oss/triage/prompts"
)

// With redaction on, the personal data of an item and of the message it
// answers never reaches the model, nor the model_calls log; placeholders
// do, and the classification is stored as usual. With it off, the text
// goes as it is.
func TestClassifyRedactsPII(t *testing.T) {
	t.Parallel()
	const (
		email = "ana.perez@example.com"
		phone = "+33 6 12 34 56 78"
		card  = "4111 1111 1111 1111"
		iban  = "DE89 3704 0044 0532 0130 00"
	)
	in := classify.Input{Channel: "email", Author: email,
		Text:   "I was charged twice on my card " + card + ", refund to " + iban + " please, or call me on " + phone + ".",
		Parent: "We will reply to " + email + " within a day.",
	}
	// The values, and their digits or characters without separators.
	raw := []string{email, phone, card, iban, "ana.perez", "+33612345678", "12 34 56 78", "4111111111111111", "1111 1111", "DE89370400440532013000", "3704 0044"}

	redacting := func(t *testing.T, b *testBundle, r *redact.Redactor) *classify.LLM {
		t.Helper()
		client, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: b.model.BaseURL(), Model: "gpt-test"})
		require.NoError(t, err)
		p, err := prompt.Load(prompts.FS, "classify/v1")
		require.NoError(t, err)
		c, err := classify.NewLLM(client, calllog.NewStore(b.pool), classify.LLMConfig{Prompt: p,
			Redact: func(s string) string { out, _ := r.Redact(s); return out }})
		require.NoError(t, err)
		return c
	}

	t.Run("on", func(t *testing.T) {
		t.Parallel()
		b := setup(t, llmtest.Classifier())
		ctx := context.Background()
		in := in
		in.ItemID = b.itemID
		res, err := redacting(t, b, redact.New(redact.All)).Classify(ctx, in)
		require.NoError(t, err)

		calls := b.model.Calls()
		require.Len(t, calls, 1)
		for _, v := range raw {
			for _, m := range calls[0].Messages {
				require.NotContains(t, m.Content, v)
			}
			require.NotContains(t, string(calls[0].Body), v)
		}
		item := llmtest.ItemText(calls[0])
		for _, p := range []string{"[EMAIL_1]", "[PHONE_1]", "[CARD_1]", "[IBAN_1]"} {
			require.Contains(t, item, p)
		}
		require.Contains(t, item, "charged twice", "the rest of the text is intact")

		var logged string
		require.NoError(t, b.pool.QueryRow(ctx, "SELECT request::text FROM model_calls WHERE item_id = $1", b.itemID).Scan(&logged))
		require.Contains(t, logged, "[CARD_1]", "the log keeps the request as sent")
		for _, v := range raw {
			require.NotContains(t, logged, v)
		}

		require.Equal(t, "billing", res.Labels.Topic)
		store := classify.NewStore(b.pool)
		_, err = store.Insert(ctx, b.itemID, res)
		require.NoError(t, err)
		got, err := store.Latest(ctx, b.itemID)
		require.NoError(t, err)
		require.Equal(t, res.Labels, got.Classification)
		require.Equal(t, 1, got.ModelCalls)
	})

	t.Run("some kinds", func(t *testing.T) {
		t.Parallel()
		b := setup(t, llmtest.Classifier())
		in := in
		in.ItemID = b.itemID
		_, err := redacting(t, b, redact.New(redact.Card, redact.IBAN)).Classify(context.Background(), in)
		require.NoError(t, err)
		item := llmtest.ItemText(b.model.Calls()[0])
		require.Contains(t, item, "[CARD_1]")
		require.Contains(t, item, "[IBAN_1]")
		require.Contains(t, item, phone)
		require.NotContains(t, item, card)
	})

	t.Run("off", func(t *testing.T) {
		t.Parallel()
		b := setup(t, llmtest.Classifier())
		in := in
		in.ItemID = b.itemID
		_, err := b.classifier.Classify(context.Background(), in)
		require.NoError(t, err)
		user := b.model.Calls()[0].LastUser()
		for _, v := range []string{email, phone, card, iban} {
			require.Contains(t, user, v)
		}
		require.NotContains(t, user, "[EMAIL_1]")
	})
}
