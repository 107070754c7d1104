package embed_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/embed"
	"github.com/triage-oss/triage/internal/llm"
)

func TestNewOpenAI(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name      string
		cfg       embed.OpenAIConfig
		wantModel string
		wantDim   int
		wantErr   string
	}{
		{name: "KnownModel", cfg: embed.OpenAIConfig{Model: "text-embedding-3-small"}, wantModel: "openai/text-embedding-3-small", wantDim: 1536},
		{name: "Dimensions", cfg: embed.OpenAIConfig{Model: "text-embedding-3-large", Dimensions: 256}, wantModel: "openai/text-embedding-3-large@256", wantDim: 256},
		{name: "UnknownModelWithDim", cfg: embed.OpenAIConfig{BaseURL: "http://localhost:8000/v1", Model: "bge-m3", Dim: 1024}, wantModel: "openai/bge-m3", wantDim: 1024},
		{name: "UnknownModel", cfg: embed.OpenAIConfig{Model: "bge-m3"}, wantErr: "set Dim"},
		{name: "Contradiction", cfg: embed.OpenAIConfig{Model: "text-embedding-3-small", Dimensions: 512, Dim: 1536}, wantErr: "contradicts"},
		{name: "Negative", cfg: embed.OpenAIConfig{Model: "text-embedding-3-small", BatchSize: -1}, wantErr: "negative"},
		{name: "NoModel", cfg: embed.OpenAIConfig{Dim: 3}, wantErr: "model is required"},
		{name: "NotHTTP", cfg: embed.OpenAIConfig{BaseURL: "ftp://example.com/v1", Model: "m", Dim: 3}, wantErr: "want http(s)://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			e, err := embed.NewOpenAI(tt.cfg)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.wantModel, e.Model())
			require.Equal(t, tt.wantDim, e.Dim())
		})
	}
}

func TestOpenAIEmbed(t *testing.T) {
	t.Parallel()

	type testBundle struct {
		srv *fakeServer
		e   *embed.OpenAI
	}
	setup := func(t *testing.T, cfg embed.OpenAIConfig, reply func(fakeRequest) fakeReply) *testBundle {
		t.Helper()
		srv := newFakeServer(t, 4, reply)
		cfg.BaseURL, cfg.APIKey = srv.URL+"/v1", "sk-test"
		cfg.Model = "text-embedding-3-small"
		cfg.Dim = 4
		e, err := embed.NewOpenAI(cfg)
		require.NoError(t, err)
		return &testBundle{srv: srv, e: e}
	}

	t.Run("WireFormatBatchesAndOrder", func(t *testing.T) {
		t.Parallel()
		b := setup(t, embed.OpenAIConfig{BatchSize: 2}, func(req fakeRequest) fakeReply {
			if len(req.Input) == 2 {
				return fakeReply{order: []int{1, 0}} // data may come in any order
			}
			return fakeReply{}
		})
		texts := []string{"a", "bb", "ccc", "dddd", "eeeee"}
		vecs, err := b.e.Embed(context.Background(), texts)
		require.NoError(t, err)
		require.Len(t, vecs, len(texts))
		for i, v := range vecs {
			want := fakeVector(texts[i], 4)
			require.InDelta(t, 1, norm(v), 1e-5)
			require.InDelta(t, want[0]/want[3], v[0]/v[3], 1e-5, "vector %d is the text's", i)
		}
		reqs := b.srv.seen()
		require.Len(t, reqs, 3)
		require.Equal(t, "/v1/embeddings", reqs[0].Path)
		require.Equal(t, "Bearer sk-test", reqs[0].Auth)
		require.Equal(t, "text-embedding-3-small", reqs[0].Model)
		require.Equal(t, []string{"a", "bb"}, reqs[0].Input)
		require.Equal(t, []string{"eeeee"}, reqs[2].Input)
		require.Zero(t, reqs[0].Dimensions)
	})
	t.Run("DimensionsAreSent", func(t *testing.T) {
		t.Parallel()
		srv := newFakeServer(t, 4, nil)
		e, err := embed.NewOpenAI(embed.OpenAIConfig{BaseURL: srv.URL + "/v1", Model: "text-embedding-3-large", Dimensions: 4})
		require.NoError(t, err)
		_, err = e.Embed(context.Background(), []string{"x"})
		require.NoError(t, err)
		require.Equal(t, 4, srv.seen()[0].Dimensions)
	})
	t.Run("NoTextsNoRequest", func(t *testing.T) {
		t.Parallel()
		b := setup(t, embed.OpenAIConfig{}, nil)
		vecs, err := b.e.Embed(context.Background(), nil)
		require.NoError(t, err)
		require.Empty(t, vecs)
		require.Empty(t, b.srv.seen())
	})

	tests := []struct {
		name       string
		texts      []string
		reply      fakeReply
		wantKind   error
		wantStatus int
		wantRetry  time.Duration
		wantErr    string
	}{
		{name: "BlankText", texts: []string{"ok", "  "}, wantKind: llm.ErrRejected, wantErr: "text 1 is blank"},
		{name: "RateLimited", reply: fakeReply{status: 429, header: map[string]string{"Retry-After": "7"}},
			wantKind: llm.ErrRateLimited, wantStatus: 429, wantRetry: 7 * time.Second},
		{name: "ServerError", reply: fakeReply{status: 500}, wantKind: llm.ErrUnavailable, wantStatus: 500},
		{name: "BadKey", reply: fakeReply{status: 401}, wantKind: llm.ErrRejected, wantStatus: 401},
		{name: "WrongDimension", reply: fakeReply{vectors: [][]float32{{1, 2, 3}}},
			wantKind: llm.ErrRejected, wantStatus: 200, wantErr: "vector 0 has 3 dimensions, want 4"},
		{name: "MissingVector", texts: []string{"a", "b"}, reply: fakeReply{vectors: [][]float32{{1, 2, 3, 4}}},
			wantKind: llm.ErrUnavailable, wantErr: "1 vectors for 2 texts"},
		{name: "RepeatedIndex", texts: []string{"a", "b"}, reply: fakeReply{order: []int{0, 0}},
			wantKind: llm.ErrUnavailable, wantErr: "repeated index"},
		{name: "ZeroVector", reply: fakeReply{vectors: [][]float32{{0, 0, 0, 0}}},
			wantKind: llm.ErrUnavailable, wantErr: "zero or not finite"},
		{name: "Timeout", reply: fakeReply{delay: time.Minute}, wantKind: llm.ErrTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			b := setup(t, embed.OpenAIConfig{}, func(fakeRequest) fakeReply { return tt.reply })
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			if tt.reply.delay > 0 {
				ctx, cancel = context.WithTimeout(ctx, 50*time.Millisecond)
				defer cancel()
			}
			texts := tt.texts
			if texts == nil {
				texts = []string{"hello"}
			}
			_, err := b.e.Embed(ctx, texts)
			requireLLMError(t, err, tt.wantKind, tt.wantStatus, tt.wantRetry, tt.wantErr)
		})
	}

	t.Run("ConnectionRefused", func(t *testing.T) {
		t.Parallel()
		b := setup(t, embed.OpenAIConfig{}, nil)
		b.srv.Close()
		_, err := b.e.Embed(context.Background(), []string{"x"})
		requireLLMError(t, err, llm.ErrUnavailable, 0, 0, "")
	})
}

// requireLLMError checks that err is an *llm.Error of the given kind,
// status (when not 0) and Retry-After, whose message contains msg.
func requireLLMError(t *testing.T, err error, kind error, status int, retry time.Duration, msg string) {
	t.Helper()
	require.ErrorIs(t, err, kind)
	var e *llm.Error
	require.ErrorAs(t, err, &e)
	if status != 0 {
		require.Equal(t, status, e.StatusCode)
	}
	got, _ := llm.RetryAfter(err)
	require.Equal(t, retry, got)
	require.Equal(t, kind != llm.ErrRejected, llm.Temporary(err))
	if msg != "" {
		require.ErrorContains(t, err, msg)
	}
}
