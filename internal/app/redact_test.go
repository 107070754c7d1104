package app_test

import (
	"cmp"
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/app"
	"github.com/triage-oss/triage/internal/calllog"
	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/drafts"
	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/llm/llmtest"
	"github.com/triage-oss/triage/internal/redact"
)

// TRIAGE_REDACT_PII reaches both model tasks: the classifier and the draft
// writer send placeholders; unset, they send the text as it is.
func TestRedactPIISetting(t *testing.T) {
	t.Parallel()
	const text = "Charged twice on 4111 1111 1111 1111, mail ana@example.com"
	for _, tt := range []struct {
		kinds redact.Kind
		want  string
	}{{redact.All, "Charged twice on [CARD_1], mail [EMAIL_1]"}, {redact.Email, "Charged twice on 4111 1111 1111 1111, mail [EMAIL_1]"}, {0, text}} {
		t.Run(cmp.Or(tt.kinds.String(), "off"), func(t *testing.T) {
			t.Parallel()
			model := llmtest.NewOpenAI(t, llmtest.Classifier())
			cfg := config.Default()
			cfg.Backend, cfg.OpenAIBaseURL, cfg.OpenAIModel, cfg.RedactPII = llm.BackendOpenAI, model.BaseURL(), "gpt-test", tt.kinds
			completer, err := app.NewCompleter(cfg, nil)
			require.NoError(t, err)
			ctx := context.Background()

			c, err := app.NewLLMClassifier(cfg, completer, calllog.Discard{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
			require.NoError(t, err)
			_, err = c.Classify(ctx, classify.Input{Channel: "email", Text: text})
			require.NoError(t, err)
			w, err := app.NewWriter(cfg, completer, calllog.Discard{})
			require.NoError(t, err)
			_, err = w.Write(ctx, drafts.Request{Channel: "email", Text: text})
			require.NoError(t, err)

			calls := model.Calls()
			require.Len(t, calls, 2)
			require.Contains(t, llmtest.ItemText(calls[0]), tt.want)
			require.Contains(t, calls[1].LastUser(), tt.want)
		})
	}
}
