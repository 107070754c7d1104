package embed

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTokenize(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name      string
		text      string
		want      []string
		firstLine int
	}{
		{"Empty", "", nil, 0},
		{"Punctuation", "!?  …", nil, 0},
		{"Words", "Can't log-in to Gmail!", []string{"can", "t", "log", "in", "to", "gmail"}, 6},
		{"URL", "see http://www.facebook.com/help/delete_account", []string{"see", "http", "www", "facebook", "com", "help", "delete", "account"}, 8},
		{"Unicode", "Ünïcödé 日本語 x2", []string{"ünïcödé", "日本語", "x2"}, 3},
		{"FirstLine", "Title here\n\nbody text\nmore", []string{"title", "here", "body", "text", "more"}, 2},
		{"LeadingBlankLines", "\n\nTitle\nbody", []string{"title", "body"}, 1},
		{"LongWordDropped", "a " + strings.Repeat("x", 65) + " b", []string{"a", "b"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			var z tokenizer
			got := z.tokenize(tt.text)
			if tt.want == nil {
				require.Empty(t, got)
			} else {
				require.Equal(t, tt.want, got)
			}
			require.Equal(t, tt.firstLine, z.firstLine)
		})
	}
}

func TestTokenizeReadsAtMostMaxTextBytes(t *testing.T) {
	t.Parallel()

	var z tokenizer
	text := strings.Repeat("word ", maxTextBytes)
	require.Equal(t, len(strings.Fields(text[:maxTextBytes])), len(z.tokenize(text)))
}
