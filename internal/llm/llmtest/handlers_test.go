package llmtest_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/llm/llmtest"
	"github.com/triage-oss/triage/internal/taxonomy"
)

// replies calls h n times and returns what it answered.
func replies(h llmtest.Handler, n int) []llmtest.Reply {
	out := make([]llmtest.Reply, n)
	for i := range out {
		out[i] = h(context.Background(), llmtest.Call{N: i + 1, Messages: []llmtest.Message{{Role: "user", Content: "hello"}}})
	}
	return out
}

func statuses(rs []llmtest.Reply) []int {
	out := make([]int, len(rs))
	for i, r := range rs {
		out[i] = r.Status
	}
	return out
}

func TestHandlers(t *testing.T) {
	t.Parallel()

	fault := llmtest.Reply{Status: http.StatusServiceUnavailable}
	ok := llmtest.Always(llmtest.Reply{Content: "{}"})
	tests := []struct {
		name string
		h    llmtest.Handler
		want []int
	}{
		{"Sequence", llmtest.Sequence(llmtest.ServerError(500), llmtest.RateLimited("1"), ok), []int{500, 429, 0, 0}},
		{"FailFirst", llmtest.FailFirst(2, fault, ok), []int{503, 503, 0, 0, 0}},
		{"FailFirstZero", llmtest.FailFirst(0, fault, ok), []int{0, 0}},
		{"FailEvery", llmtest.FailEvery(3, fault, ok), []int{0, 0, 503, 0, 0, 503, 0}},
		{"FailEveryOne", llmtest.FailEvery(1, fault, ok), []int{503, 503}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			require.Equal(t, tt.want, statuses(replies(tt.h, len(tt.want))))
		})
	}
}

func TestFaultContent(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name  string
		h     llmtest.Handler
		check func(t *testing.T, r llmtest.Reply)
	}{
		{"Garbage", llmtest.Garbage(), func(t *testing.T, r llmtest.Reply) {
			_, err := taxonomy.Default().Parse([]byte(r.Content))
			require.ErrorIs(t, err, taxonomy.ErrInvalid)
		}},
		{"SchemaViolation", llmtest.SchemaViolation(), func(t *testing.T, r llmtest.Reply) {
			require.JSONEq(t, llmtest.SchemaViolationContent, r.Content) // valid JSON
			_, err := taxonomy.Default().Parse([]byte(r.Content))
			require.ErrorIs(t, err, taxonomy.ErrInvalid)
		}},
		{"Truncated", llmtest.Truncated(), func(t *testing.T, r llmtest.Reply) {
			require.Equal(t, "length", r.FinishReason)
			_, err := taxonomy.Default().Parse([]byte(r.Content))
			require.ErrorIs(t, err, taxonomy.ErrInvalid)
		}},
		{"Slow", llmtest.Slow(time.Second, llmtest.Slow(time.Second, llmtest.Garbage())), func(t *testing.T, r llmtest.Reply) {
			require.Equal(t, 2*time.Second, r.Delay)
			require.Equal(t, llmtest.GarbageContent, r.Content)
		}},
		{"RateLimited", llmtest.RateLimited("2"), func(t *testing.T, r llmtest.Reply) {
			require.Equal(t, http.StatusTooManyRequests, r.Status)
			require.Equal(t, "2", r.RetryAfter)
		}},
		{"Hang", llmtest.Hang(), func(t *testing.T, r llmtest.Reply) { require.True(t, r.Hang) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			tt.check(t, replies(tt.h, 1)[0])
		})
	}
}
