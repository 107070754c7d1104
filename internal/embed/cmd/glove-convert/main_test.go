package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/embed"
)

func TestRun(t *testing.T) {
	t.Parallel()

	const json = `{"dimensions":2,"wordIndex":3,"words":["the","cat"],"vectors":{"the":[1,2,2.2,0],"cat":[0.5,-1,1.1,1]}}`
	tests := []struct {
		name    string
		args    []string
		check   func(t *testing.T, out string)
		wantErr string
	}{
		{name: "Vectors", check: func(t *testing.T, out string) {
			wv, err := embed.LoadWordVectors(out)
			require.NoError(t, err)
			require.Equal(t, 2, wv.Len())
			info, err := os.Stat(out)
			require.NoError(t, err)
			require.Equal(t, os.FileMode(0o644), info.Mode().Perm())
		}},
		{name: "WordList", args: []string{"-word-list", "-words", "1"}, check: func(t *testing.T, out string) {
			b, err := os.ReadFile(out)
			require.NoError(t, err)
			require.Equal(t, "the\n", string(b))
		}},
		{name: "NoOut", args: []string{"-out", ""}, wantErr: "-out is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			dir := t.TempDir()
			out := filepath.Join(dir, "sub", "glove.bin")
			args := append([]string{"-out", out}, tt.args...)
			err := run(args, strings.NewReader(json), io.Discard)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			tt.check(t, out)
			left, err := os.ReadDir(filepath.Dir(out))
			require.NoError(t, err)
			require.Len(t, left, 1, "no temporary file is left behind")
		})
	}
}
