package localmodel

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/taxonomy"
)

func TestTrain(t *testing.T) {
	t.Parallel()

	type testBundle struct {
		dataDir string
		log     *slog.Logger
	}
	setup := func(t *testing.T) *testBundle {
		t.Helper()
		return &testBundle{dataDir: writeSyntheticData(t), log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	}
	train := func(t *testing.T, b *testBundle, cfg TrainConfig) (*Model, Report, []byte) {
		t.Helper()
		cfg.DataDir, cfg.Bits = b.dataDir, 12
		m, rep, err := Train(context.Background(), cfg, b.log)
		require.NoError(t, err)
		var buf bytes.Buffer
		require.NoError(t, m.Write(&buf))
		return m, rep, buf.Bytes()
	}

	t.Run("Deterministic", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		_, _, first := train(t, b, TrainConfig{Workers: 2})
		_, _, second := train(t, b, TrainConfig{Workers: 1})
		require.Equal(t, first, second, "same data must give byte-identical model files")
	})

	t.Run("RoundTripAndReport", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		m, rep, data := train(t, b, TrainConfig{})
		loaded, err := Load(bytes.NewReader(data))
		require.NoError(t, err)
		text := "win free prize call now number 7 again"
		require.Equal(t, m.Scores(text), loaded.Scores(text))
		require.Greater(t, loaded.Scores(text).Spam, 0.5)

		var table strings.Builder
		require.NoError(t, rep.WriteTable(&table))
		require.Contains(t, table.String(), "tweeteval/irony")
		for _, row := range rep.Rows {
			require.GreaterOrEqual(t, row.ECE, 0.0)
			require.LessOrEqual(t, row.Accuracy, 1.0)
		}
	})

	t.Run("SeedChangesSplit", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		_, _, first := train(t, b, TrainConfig{Seed: 1})
		_, _, second := train(t, b, TrainConfig{Seed: 2})
		require.NotEqual(t, first, second)
	})

	t.Run("ConfigErrors", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		for _, tc := range []struct {
			name string
			cfg  TrainConfig
		}{
			{"NoDataDir", TrainConfig{}},
			{"TooManyBits", TrainConfig{DataDir: b.dataDir, Bits: 30}},
			{"OneFold", TrainConfig{DataDir: b.dataDir, Folds: 1}},
			{"MissingData", TrainConfig{DataDir: t.TempDir()}},
		} {
			_, _, err := Train(context.Background(), tc.cfg, b.log)
			require.Error(t, err, tc.name)
		}
	})
}

func TestLoadRejectsGarbage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"Empty", nil},
		{"NotGzip", []byte("hello")},
		{"Truncated", defaultModel[:len(defaultModel)/2]},
		{"TooLarge", hugeHeader(t)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(bytes.NewReader(tc.data))
			require.ErrorIs(t, err, ErrBadModel)
		})
	}
}

// hugeHeader returns a model file header asking for 2^24 buckets times 200
// outputs, which Load must refuse before allocating.
func hugeHeader(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	e := &encoder{w: zw}
	e.str(fileMagic)
	e.put([]uint32{fileVersion, 24, 1})
	e.str("huge")
	e.put([]uint32{0, 200})
	e.put([]float64{1, 0, 0.5})
	require.NoError(t, e.err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func TestCorpusLabelsAreValid(t *testing.T) {
	t.Parallel()
	exs, err := readCorpus(corpusFS)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(exs), 300)
	tax := taxonomy.Default()
	seen := map[string]bool{}
	for _, ex := range exs {
		require.False(t, seen[ex.Text], "duplicate text %q", ex.Text)
		seen[ex.Text] = true
		for field, v := range ex.Labels {
			f := taxonomy.Field(field)
			if f == taxonomy.FieldSarcasm {
				require.IsType(t, true, v, ex.Text)
				continue
			}
			s, ok := v.(string)
			require.True(t, ok, "%s of %q", field, ex.Text)
			if f == taxonomy.FieldLanguage {
				require.True(t, taxonomy.ValidLanguage(s), ex.Text)
				continue
			}
			require.Contains(t, tax.Labels(f), s, "%s of %q", field, ex.Text)
		}
	}
}
