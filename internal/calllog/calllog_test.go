package calllog_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/calllog"
	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/postgres/pgtest"
)

func TestOutcomeOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want calllog.Outcome
	}{
		{nil, calllog.OutcomeOK},
		{&llm.Error{Kind: llm.ErrRateLimited}, calllog.OutcomeRateLimited},
		{fmt.Errorf("wrapped: %w", &llm.Error{Kind: llm.ErrTimeout}), calllog.OutcomeTimeout},
		{&llm.Error{Kind: llm.ErrUnavailable}, calllog.OutcomeUnavailable},
		{&llm.Error{Kind: llm.ErrRejected}, calllog.OutcomeRejected},
		{context.Canceled, calllog.OutcomeCanceled},
		{errors.New("boom"), calllog.OutcomeError},
	}
	for _, tt := range tests {
		t.Run(string(tt.want), func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, calllog.OutcomeOf(tt.err))
		})
	}
}

func TestRecordAndSum(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := calllog.NewStore(pgtest.New(t))
	req := llm.Request{Messages: []llm.Message{{Role: llm.RoleUser, Content: "hi"}}, SchemaName: "s", Schema: []byte(`{"type":"object"}`)}
	ok := calllog.Call{Task: "classify", Backend: "openai", Model: "m", PromptVersion: "classify/v1", Request: req,
		Response: llm.Response{Content: "{}", PromptTokens: 100, CompletionTokens: 20, Latency: 300 * time.Millisecond}, Outcome: calllog.OutcomeOK}
	require.NoError(t, store.Record(ctx, ok))
	require.NoError(t, store.Record(ctx, ok))
	failed := calllog.Call{Task: "classify", Backend: "openai", Model: "m", Request: req, Outcome: calllog.OutcomeRateLimited,
		Err: &llm.Error{Kind: llm.ErrRateLimited}}
	require.NoError(t, store.Record(ctx, failed))

	tot, err := store.Sum(ctx, time.Now().Add(-time.Minute))
	require.NoError(t, err)
	require.Equal(t, int64(3), tot.Calls)
	require.Equal(t, map[calllog.Outcome]int64{calllog.OutcomeOK: 2, calllog.OutcomeRateLimited: 1}, tot.ByOutcome)
	require.Equal(t, int64(200), tot.PromptTokens)
	require.Equal(t, int64(40), tot.CompletionTokens)

	tot, err = store.Sum(ctx, time.Now().Add(time.Minute))
	require.NoError(t, err)
	require.Zero(t, tot.Calls)

	require.ErrorContains(t, store.Record(ctx, calllog.Call{ItemID: 999, Task: "classify", Request: req, Outcome: calllog.OutcomeOK}), "record classify call")
}
