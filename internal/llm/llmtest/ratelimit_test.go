package llmtest_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/llm/llmtest"
)

func TestRateLimit(t *testing.T) {
	t.Parallel()

	t.Run("BurstThenRetryAfter", func(t *testing.T) {
		t.Parallel()

		h := llmtest.RateLimit(60, 3, llmtest.Always(llmtest.Reply{Content: "{}"}))
		require.Equal(t, []int{0, 0, 0, http.StatusTooManyRequests}, statuses(replies(h, 4)))
		r := h(context.Background(), llmtest.Call{})
		wait, err := strconv.ParseFloat(r.RetryAfter, 64)
		require.NoError(t, err)
		require.InDelta(t, 1, wait, 0.1, "one token a second: the next is a second away")
		require.Zero(t, r.Delay, "a 429 answers at once")
	})

	t.Run("Refills", func(t *testing.T) {
		t.Parallel()

		h := llmtest.RateLimit(6000, 1, llmtest.Slow(time.Hour, llmtest.Always(llmtest.Reply{Content: "{}"})))
		first := h(context.Background(), llmtest.Call{})
		require.Zero(t, first.Status)
		require.Equal(t, time.Hour, first.Delay, "admitted calls get then's answer")
		r := h(context.Background(), llmtest.Call{})
		require.Equal(t, http.StatusTooManyRequests, r.Status)
		wait, err := strconv.ParseFloat(r.RetryAfter, 64)
		require.NoError(t, err)
		require.LessOrEqual(t, wait, 0.01)
		time.Sleep(time.Duration(wait*float64(time.Second)) + 5*time.Millisecond)
		require.Zero(t, h(context.Background(), llmtest.Call{}).Status, "a token came back after the Retry-After")
	})

	t.Run("PanicsOnNoRate", func(t *testing.T) {
		t.Parallel()

		require.Panics(t, func() { llmtest.RateLimit(0, 1, llmtest.Classifier()) })
		require.Panics(t, func() { llmtest.RateLimit(60, 0, llmtest.Classifier()) })
	})
}
