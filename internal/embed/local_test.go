package embed_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/embed"
)

func TestNewLocal(t *testing.T) {
	t.Parallel()

	wv := testWordVectors(t)
	tests := []struct {
		name      string
		cfg       embed.LocalConfig
		wantModel string
		wantDim   int
		wantErr   string
	}{
		{name: "HashedOnly", wantModel: "local-hash-v1-1024", wantDim: 1024},
		{name: "WordVectors", cfg: embed.LocalConfig{WordVectors: wv},
			wantModel: "local-glove-v1-1028-" + wv.Checksum(), wantDim: 1028},
		{name: "MissingFile", cfg: embed.LocalConfig{WordVectorsPath: filepath.Join(t.TempDir(), "none.bin")},
			wantErr: "no such file"},
		{name: "Both", cfg: embed.LocalConfig{WordVectors: wv, WordVectorsPath: "x.bin"}, wantErr: "not both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			local, err := embed.NewLocal(tt.cfg)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.wantModel, local.Model())
			require.Equal(t, tt.wantDim, local.Dim())
		})
	}
}

func TestLocalEmbed(t *testing.T) {
	t.Parallel()

	type testBundle struct {
		hashed, glove *embed.Local
	}
	setup := func(t *testing.T) *testBundle {
		t.Helper()
		hashed, err := embed.NewLocal(embed.LocalConfig{})
		require.NoError(t, err)
		glove, err := embed.NewLocal(embed.LocalConfig{WordVectors: testWordVectors(t)})
		require.NoError(t, err)
		return &testBundle{hashed: hashed, glove: glove}
	}
	cos := func(t *testing.T, e embed.Embedder, a, b string) float32 {
		t.Helper()
		v, err := e.Embed(context.Background(), []string{a, b})
		require.NoError(t, err)
		return dot(v[0], v[1])
	}

	t.Run("UnitVectorsInOrder", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		for _, e := range []*embed.Local{b.hashed, b.glove} {
			texts := []string{"How do I delete my account?", "", "!!! ???", "Ünïcödé wörds, 日本語 and emoji 🎉", "x"}
			vecs, err := e.Embed(context.Background(), texts)
			require.NoError(t, err)
			require.Len(t, vecs, len(texts))
			for i, v := range vecs {
				require.Len(t, v, e.Dim())
				require.InDelta(t, 1, norm(v), 1e-5, "text %d", i)
				one, err := e.Embed(context.Background(), texts[i:i+1])
				require.NoError(t, err)
				require.Equal(t, v, one[0], "a text's vector does not depend on its batch")
			}
		}
	})
	t.Run("NoTexts", func(t *testing.T) {
		t.Parallel()
		vecs, err := setup(t).hashed.Embed(context.Background(), nil)
		require.NoError(t, err)
		require.Empty(t, vecs)
	})
	t.Run("TextsWithoutWordsShareOneVector", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		require.InDelta(t, 1, cos(t, b.hashed, "", "?!"), 1e-6)
		require.Less(t, cos(t, b.hashed, "", "hello"), float32(0.2))
	})
	t.Run("Similarity", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		for _, e := range []*embed.Local{b.hashed, b.glove} {
			near := cos(t, e, "How do I delete my account?", "deleting an account")
			far := cos(t, e, "How do I delete my account?", "upload a picture")
			require.Greater(t, near, far, e.Model())
			require.InDelta(t, 1, cos(t, e, "Delete, my ACCOUNT", "delete my account"), 1e-6, "case and punctuation do not count")
		}
	})
	t.Run("WordVectorsMatchSynonyms", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		gain := func(e *embed.Local) float32 {
			return cos(t, e, "erase a photo", "remove a picture") - cos(t, e, "erase a photo", "the account")
		}
		require.Greater(t, gain(b.glove), gain(b.hashed))
	})
	t.Run("FirstLineWeighsMore", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		title := cos(t, b.hashed, "delete account", "delete account\nupload photo")
		body := cos(t, b.hashed, "upload photo", "delete account\nupload photo")
		require.Greater(t, title, body)
	})
	t.Run("CanceledContext", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := setup(t).hashed.Embed(ctx, []string{"a"})
		require.ErrorIs(t, err, context.Canceled)
	})
	t.Run("Concurrent", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		texts := []string{"first text about gmail filters", "second, about facebook privacy\nand more"}
		want, err := b.glove.Embed(context.Background(), texts)
		require.NoError(t, err)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				got, err := b.glove.Embed(context.Background(), texts)
				require.NoError(t, err)
				require.Equal(t, want, got)
			})
		}
		wg.Wait()
	})
}

// TestLocalVectorsAreStable pins the exact bits Local produces. Stored
// vectors depend on them: a change here must come with a new version in the
// model name (localVersion), so that stored vectors are recomputed.
func TestLocalVectorsAreStable(t *testing.T) {
	t.Parallel()

	texts := []string{
		"How do I delete my Facebook account?",
		"Strikethrough with GitHub Markdown\nUse ~~tildes around the words~~.",
		"",
		"Ünïcödé wörds, 日本語 and emoji 🎉 https://example.com/a_b?c=1",
	}
	tests := []struct {
		name string
		cfg  embed.LocalConfig
		want string
	}{
		{"Hashed", embed.LocalConfig{}, "4ef3fd932ed295a3"},
		{"WordVectors", embed.LocalConfig{WordVectors: testWordVectors(t)}, "3fecd0a703518ebf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			local, err := embed.NewLocal(tt.cfg)
			require.NoError(t, err)
			vecs, err := local.Embed(context.Background(), texts)
			require.NoError(t, err)
			h := sha256.New()
			for _, v := range vecs {
				for _, x := range v {
					_ = binary.Write(h, binary.LittleEndian, math.Float32bits(x))
				}
			}
			require.Equal(t, tt.want, hex.EncodeToString(h.Sum(nil))[:16], "Local's vectors changed: bump localVersion and update this digest")
		})
	}
}

// BenchmarkLocalEmbed measures embedding one query, as a search does.
func BenchmarkLocalEmbed(b *testing.B) {
	query := []string{"How can I stop people from tagging me in Facebook photos without my permission?"}
	cases := []struct {
		name string
		cfg  embed.LocalConfig
	}{{"Hashed", embed.LocalConfig{}}}
	if wv, err := embed.LoadDefaultWordVectors(); err == nil {
		cases = append(cases, struct {
			name string
			cfg  embed.LocalConfig
		}{"GloVe", embed.LocalConfig{WordVectors: wv}})
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			local, err := embed.NewLocal(c.cfg)
			require.NoError(b, err)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := local.Embed(context.Background(), query); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLoadWordVectors measures loading the installed GloVe file, as a
// process does once at start.
func BenchmarkLoadWordVectors(b *testing.B) {
	path, err := embed.DefaultWordVectorsPath()
	require.NoError(b, err)
	if _, err := os.Stat(path); err != nil {
		b.Fatalf("word vectors are not installed: run `make setup` (%v)", err)
	}
	for b.Loop() {
		if _, err := embed.LoadWordVectors(path); err != nil {
			b.Fatal(err)
		}
	}
}
