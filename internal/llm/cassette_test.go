package llm_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/llm/llmtest"
)

func TestCassetteRecordReplay(t *testing.T) {
	t.Parallel()
	srv := llmtest.NewOpenAI(t, llmtest.Classifier())
	client, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: srv.BaseURL(), Model: "gpt-test"})
	require.NoError(t, err)
	rec := llm.NewRecorder(client)
	ctx := context.Background()
	schema := json.RawMessage(`{"type":"object","properties":{},"required":[],"additionalProperties":false}`)
	reqs := []llm.Request{
		{Messages: []llm.Message{{Role: llm.RoleUser, Content: "<item>refund please</item>"}}, SchemaName: "s", Schema: schema},
		{Messages: []llm.Message{{Role: llm.RoleUser, Content: "<item>love it</item>"}}, SchemaName: "s", Schema: schema},
	}
	var recorded []llm.Response
	for _, req := range reqs {
		resp, err := rec.Complete(ctx, req)
		require.NoError(t, err)
		recorded = append(recorded, resp)
	}
	dir := t.TempDir()
	n, err := rec.Save(dir)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	first, err := os.ReadFile(filepath.Join(dir, llm.CassetteFile))
	require.NoError(t, err)
	// Saving again (a second recording of the same calls) is stable.
	_, err = rec.Save(dir)
	require.NoError(t, err)
	second, err := os.ReadFile(filepath.Join(dir, llm.CassetteFile))
	require.NoError(t, err)
	require.Equal(t, first, second)

	srv.Close() // the replay needs no server
	rep, err := llm.NewReplayer(dir)
	require.NoError(t, err)
	require.Equal(t, "openai", rep.Backend())
	require.Equal(t, "gpt-test", rep.Model())
	for i, req := range reqs {
		got, err := rep.Complete(ctx, req)
		require.NoError(t, err)
		require.Equal(t, recorded[i], got, "the replay is the recording, latency and tokens included")
	}

	_, err = rep.Complete(ctx, llm.Request{Messages: []llm.Message{{Role: llm.RoleUser, Content: "never seen"}}, SchemaName: "s", Schema: schema})
	require.ErrorIs(t, err, llm.ErrNotRecorded)
	require.ErrorIs(t, err, llm.ErrRejected)
	require.False(t, llm.Temporary(err))

	_, err = llm.NewReplayer(t.TempDir())
	require.ErrorContains(t, err, "no cassette")
	bad := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bad, llm.CassetteFile), []byte("{nope\n"), 0o644))
	_, err = llm.NewReplayer(bad)
	require.Error(t, err)
	require.False(t, errors.Is(err, llm.ErrNotRecorded))
}
