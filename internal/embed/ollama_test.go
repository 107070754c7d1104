package embed_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/embed"
	"github.com/triage-oss/triage/internal/llm"
)

func TestNewOllama(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		cfg     embed.OllamaConfig
		wantDim int
		wantErr string
	}{
		{name: "Defaults", cfg: embed.OllamaConfig{Model: "nomic-embed-text"}},
		{name: "SchemelessHostAndDim", cfg: embed.OllamaConfig{Host: "10.0.0.5:11434", Model: "nomic-embed-text", Dim: 768}, wantDim: 768},
		{name: "NoModel", cfg: embed.OllamaConfig{}, wantErr: "model is required"},
		{name: "NegativeDim", cfg: embed.OllamaConfig{Model: "m", Dim: -1}, wantErr: "negative"},
		{name: "BadHost", cfg: embed.OllamaConfig{Host: "ftp://x", Model: "m"}, wantErr: "want http(s)://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			e, err := embed.NewOllama(tt.cfg)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, "ollama/"+tt.cfg.Model, e.Model())
			require.Equal(t, tt.wantDim, e.Dim())
		})
	}
	require.Equal(t, llm.DefaultOllamaHost, embed.OllamaConfig{}.WithDefaults().Host)
}

func TestOllamaEmbed(t *testing.T) {
	t.Parallel()

	type testBundle struct {
		srv *fakeServer
		e   *embed.Ollama
	}
	setup := func(t *testing.T, cfg embed.OllamaConfig, reply func(fakeRequest) fakeReply) *testBundle {
		t.Helper()
		srv := newFakeServer(t, 4, reply)
		cfg.Host, cfg.Model = srv.URL, "nomic-embed-text"
		e, err := embed.NewOllama(cfg)
		require.NoError(t, err)
		return &testBundle{srv: srv, e: e}
	}

	t.Run("ProbeLearnsDim", func(t *testing.T) {
		t.Parallel()
		b := setup(t, embed.OllamaConfig{}, nil)
		require.Zero(t, b.e.Dim())
		require.NoError(t, b.e.Probe(context.Background()))
		require.Equal(t, 4, b.e.Dim())
		req := b.srv.seen()[0]
		require.Equal(t, "/api/embed", req.Path)
		require.Equal(t, "nomic-embed-text", req.Model)
		require.Len(t, req.Input, 1)
	})
	t.Run("ProbeChecksConfiguredDim", func(t *testing.T) {
		t.Parallel()
		b := setup(t, embed.OllamaConfig{Dim: 768}, nil)
		err := b.e.Probe(context.Background())
		requireLLMError(t, err, llm.ErrRejected, 200, 0, "has 4 dimensions, want 768")
	})
	t.Run("BatchesInOrder", func(t *testing.T) {
		t.Parallel()
		b := setup(t, embed.OllamaConfig{BatchSize: 2}, nil)
		texts := []string{"a", "bb", "ccc"}
		vecs, err := b.e.Embed(context.Background(), texts)
		require.NoError(t, err)
		for i, v := range vecs {
			want := fakeVector(texts[i], 4)
			require.InDelta(t, 1, norm(v), 1e-5)
			require.InDelta(t, want[0]/want[3], v[0]/v[3], 1e-5)
		}
		reqs := b.srv.seen()
		require.Len(t, reqs, 2)
		require.Equal(t, []string{"a", "bb"}, reqs[0].Input)
		require.Equal(t, []string{"ccc"}, reqs[1].Input)
	})
	t.Run("DimChangeIsRejected", func(t *testing.T) {
		t.Parallel()
		var calls atomic.Int32
		b := setup(t, embed.OllamaConfig{}, func(fakeRequest) fakeReply {
			if calls.Add(1) > 1 {
				return fakeReply{vectors: [][]float32{{1, 2}}}
			}
			return fakeReply{}
		})
		require.NoError(t, b.e.Probe(context.Background()))
		_, err := b.e.Embed(context.Background(), []string{"x"})
		requireLLMError(t, err, llm.ErrRejected, 200, 0, "has 2 dimensions, want 4")
	})
	t.Run("NoTextsNoRequest", func(t *testing.T) {
		t.Parallel()
		b := setup(t, embed.OllamaConfig{}, nil)
		vecs, err := b.e.Embed(context.Background(), []string{})
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
		{name: "BlankText", texts: []string{""}, wantKind: llm.ErrRejected, wantErr: "text 0 is blank"},
		{name: "RateLimited", reply: fakeReply{status: 429, header: map[string]string{"Retry-After": "3"}},
			wantKind: llm.ErrRateLimited, wantStatus: 429, wantRetry: 3 * time.Second},
		{name: "QueueFull", reply: fakeReply{status: 503}, wantKind: llm.ErrUnavailable, wantStatus: 503},
		{name: "ServerError", reply: fakeReply{status: 500}, wantKind: llm.ErrUnavailable, wantStatus: 500, wantErr: "fake error 500"},
		{name: "UnknownModel", reply: fakeReply{status: 404}, wantKind: llm.ErrRejected, wantStatus: 404},
		{name: "Unauthorized", reply: fakeReply{status: 401}, wantKind: llm.ErrRejected, wantStatus: 401},
		{name: "MissingVector", texts: []string{"a", "b"}, reply: fakeReply{vectors: [][]float32{{1, 2, 3, 4}}},
			wantKind: llm.ErrUnavailable, wantErr: "1 vectors for 2 texts"},
		{name: "NotFinite", reply: fakeReply{vectors: [][]float32{{0, 0, 0, 0}}}, wantKind: llm.ErrUnavailable, wantErr: "zero or not finite"},
		{name: "Timeout", reply: fakeReply{delay: time.Minute}, wantKind: llm.ErrTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			b := setup(t, embed.OllamaConfig{Dim: 4}, func(fakeRequest) fakeReply { return tt.reply })
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
		b := setup(t, embed.OllamaConfig{}, nil)
		b.srv.Close()
		err := b.e.Probe(context.Background())
		requireLLMError(t, err, llm.ErrUnavailable, 0, 0, "")
	})
}
