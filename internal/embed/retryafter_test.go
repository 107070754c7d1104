package embed

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/llm"
)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()

	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name   string
		header map[string]string
		want   time.Duration
	}{
		{"None", nil, 0},
		{"Seconds", map[string]string{"Retry-After": "7"}, 7 * time.Second},
		{"Milliseconds", map[string]string{"Retry-After-Ms": "1500", "Retry-After": "9"}, 1500 * time.Millisecond},
		{"Date", map[string]string{"Retry-After": now.Add(time.Minute).Format(http.TimeFormat)}, time.Minute},
		{"Past", map[string]string{"Retry-After": "-3"}, 0},
		{"Garbage", map[string]string{"Retry-After": "soon"}, 0},
		{"Capped", map[string]string{"Retry-After": "1e12"}, llm.MaxRetryAfter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			h := http.Header{}
			for k, v := range tt.header {
				h.Set(k, v)
			}
			require.Equal(t, tt.want, parseRetryAfter(h, now))
		})
	}
}
