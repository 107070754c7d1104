package embed_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/embed"
)

func TestConvertGloVe(t *testing.T) {
	t.Parallel()

	entries := []gloveEntry{
		{"the", 0, []float64{0.5, -0.25, 1, 0}},
		{",", 1, []float64{1, 1, 1, 1}},                // punctuation: dropped
		{"n't", 2, []float64{1, 1, 1, 1}},              // never one token: dropped
		{"Hello", 3, []float64{1, 1, 1, 1}},            // not lower case: dropped
		{"café", 5, []float64{-1.27, 0.5, 0.01, 2.54}}, // kept, non-ASCII
		{"gmail", 40, []float64{0.3, 0.2, 0.1, -0.4}},
		{"2fa", 9, []float64{0, 0, 0, 0}}, // zero vector kept
	}
	convert := func(t *testing.T, entries []gloveEntry, maxWords int) []byte {
		t.Helper()
		var buf bytes.Buffer
		require.NoError(t, embed.ConvertGloVe(strings.NewReader(gloveJSON(t, 4, entries)), &buf, maxWords))
		return buf.Bytes()
	}

	t.Run("KeepsTokenizableWordsByRank", func(t *testing.T) {
		t.Parallel()
		wv, err := embed.ReadWordVectors(bytes.NewReader(convert(t, entries, -1)))
		require.NoError(t, err)
		require.Equal(t, 4, wv.Dim())
		var words []string
		for i := range wv.Len() {
			words = append(words, wv.Word(i))
		}
		require.Equal(t, []string{"the", "café", "2fa", "gmail"}, words)
		for _, e := range entries {
			pos, rank, ok := wv.Lookup(e.word)
			if !ok {
				continue
			}
			require.Equal(t, e.rank, rank)
			got := wv.Vector(pos, make([]float32, 4))
			var maxAbs float64
			for _, x := range e.vec {
				maxAbs = math.Max(maxAbs, math.Abs(x))
			}
			for k := range got {
				require.InDelta(t, e.vec[k], got[k], maxAbs/254+1e-6, "%s[%d]", e.word, k)
			}
		}
		_, _, ok := wv.Lookup("n't")
		require.False(t, ok)
	})
	t.Run("MaxWordsKeepsTheMostFrequent", func(t *testing.T) {
		t.Parallel()
		wv, err := embed.ReadWordVectors(bytes.NewReader(convert(t, entries, 2)))
		require.NoError(t, err)
		require.Equal(t, 2, wv.Len())
		require.Equal(t, "café", wv.Word(1))
	})
	t.Run("Deterministic", func(t *testing.T) {
		t.Parallel()
		reversed := make([]gloveEntry, len(entries))
		for i, e := range entries {
			reversed[len(entries)-1-i] = e
		}
		require.Equal(t, convert(t, entries, -1), convert(t, reversed, -1), "the JSON's order does not matter")
	})
	t.Run("DuplicateKeepsLowerRank", func(t *testing.T) {
		t.Parallel()
		dup := append(entries[:1:1], gloveEntry{"the", 7, []float64{1, 2, 3, 4}})
		wv, err := embed.ReadWordVectors(bytes.NewReader(convert(t, dup, -1)))
		require.NoError(t, err)
		require.Equal(t, 1, wv.Len())
		_, rank, _ := wv.Lookup("the")
		require.Equal(t, 0, rank)
	})
}

func TestConvertGloVeErrors(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name, json, wantErr string
	}{
		{"NotJSON", "hello", "invalid character"},
		{"NotObject", "[1,2]", "want {"},
		{"NoVectors", `{"dimensions":2,"wordIndex":3}`, `no "vectors"`},
		{"VectorsFirst", `{"vectors":{"a":[1,2,1,0]},"dimensions":2,"wordIndex":3}`, "must come before"},
		{"ShortVector", `{"dimensions":2,"wordIndex":3,"vectors":{"a":[1,2]}}`, "has 2 values"},
		{"Truncated", `{"dimensions":2,"wordIndex":3,"vectors":{"a":[1,2,1,0],"b":[1,`, "unexpected EOF"},
		{"NothingUsable", `{"dimensions":2,"wordIndex":3,"vectors":{",":[1,2,1,0]}}`, "no vectors to write"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			var buf bytes.Buffer
			err := embed.ConvertGloVe(strings.NewReader(tt.json), &buf, 0)
			require.ErrorContains(t, err, tt.wantErr)
			require.ErrorContains(t, err, "convert glove")
		})
	}
}

func TestReadWordVectors(t *testing.T) {
	t.Parallel()

	var good bytes.Buffer
	require.NoError(t, embed.ConvertGloVe(strings.NewReader(gloveJSON(t, 2, []gloveEntry{
		{"a", 0, []float64{1, 2}}, {"b", 1, []float64{3, 4}},
	})), &good, 0))
	withChecksum := func(body []byte) []byte {
		sum := sha256.Sum256(body)
		return append(body, sum[:]...)
	}
	header := func(magic string, dim, count uint32) []byte {
		b := []byte(magic)
		b = binary.LittleEndian.AppendUint32(b, dim)
		return binary.LittleEndian.AppendUint32(b, count)
	}
	flipped := bytes.Clone(good.Bytes())
	flipped[20] ^= 1

	tests := []struct {
		name    string
		file    []byte
		wantErr string
	}{
		{"Good", good.Bytes(), ""},
		{"Empty", nil, "too short"},
		{"Corrupt", flipped, "checksum mismatch"},
		{"Truncated", good.Bytes()[:good.Len()-1], "checksum mismatch"},
		{"BadMagic", withChecksum(header("NOTAWVEC", 2, 1)), "bad magic"},
		{"HugeDim", withChecksum(header("TRGWVEC1", 1<<20, 1)), "bad header"},
		{"HugeCount", withChecksum(header("TRGWVEC1", 2, 1<<30)), "bad header"},
		{"MissingWords", withChecksum(header("TRGWVEC1", 2, 3)), "bad length"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			wv, err := embed.ReadWordVectors(bytes.NewReader(tt.file))
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, 2, wv.Len())
			require.Len(t, wv.Checksum(), 8)
		})
	}
}

func TestLoadWordVectors(t *testing.T) {
	t.Parallel()

	dir := t.TempDir()
	_, err := embed.LoadWordVectors(filepath.Join(dir, "missing.bin"))
	require.ErrorIs(t, err, fs.ErrNotExist)

	path := filepath.Join(dir, "wv.bin")
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, embed.ConvertGloVe(strings.NewReader(gloveJSON(t, 2, []gloveEntry{{"a", 0, []float64{1, 2}}})), f, 0))
	require.NoError(t, f.Close())
	wv, err := embed.LoadWordVectors(path)
	require.NoError(t, err)
	require.Equal(t, 1, wv.Len())

	def, err := embed.DefaultWordVectorsPath()
	require.NoError(t, err)
	if env := os.Getenv(embed.WordVectorsEnv); env != "" {
		require.Equal(t, env, def)
	} else {
		require.Equal(t, filepath.Join("triage", embed.WordVectorsFile), filepath.Join(filepath.Base(filepath.Dir(def)), filepath.Base(def)))
	}
}
