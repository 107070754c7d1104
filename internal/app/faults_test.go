package app_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/llm/llmtest"
)

// repairing answers a first call with output that violates the schema and
// the repair call (which carries the model's previous answer) correctly.
func repairing() llmtest.Handler {
	valid := llmtest.Classifier()
	return func(ctx context.Context, c llmtest.Call) llmtest.Reply {
		for _, m := range c.Messages {
			if m.Role == "assistant" {
				return valid(ctx, c)
			}
		}
		return llmtest.Reply{Content: llmtest.SchemaViolationContent}
	}
}

// failFirstPerItem answers the first k calls about each item with fault:
// every item sees the fault, and retrying it is what gets it through.
func failFirstPerItem(k int, fault llmtest.Reply, then llmtest.Handler) llmtest.Handler {
	var mu sync.Mutex
	seen := map[string]int{}
	return func(ctx context.Context, c llmtest.Call) llmtest.Reply {
		mu.Lock()
		key := llmtest.ItemText(c)
		seen[key]++
		n := seen[key]
		mu.Unlock()
		if n <= k {
			return fault
		}
		return then(ctx, c)
	}
}

func TestPipelineFaults(t *testing.T) {
	t.Parallel()
	const n = 40
	ok := llmtest.Classifier()
	tests := []struct {
		name       string
		backend    string
		handler    llmtest.Handler
		llmTimeout time.Duration
		want       map[string]int
		reason     string // every needs_human reason contains it
		check      func(t *testing.T, b *testBundle)
	}{
		{
			// Every Retry-After pauses the worker's calls (the limiter backs
			// off as one), so a storm of n/2 429s costs about n/2 seconds.
			name: "429 storm with Retry-After", backend: llm.BackendOpenAI,
			handler: llmtest.FailFirst(n/2, llmtest.Reply{Status: http.StatusTooManyRequests, RetryAfter: "1"}, ok),
			want:    map[string]int{"classified": n},
			check: func(t *testing.T, b *testBundle) {
				require.Equal(t, n/2, b.model.Status(http.StatusTooManyRequests))
				require.Equal(t, n/2, count(t, b.pool, "SELECT count(*) FROM model_calls WHERE task = 'classify' AND outcome = 'rate_limited'"))
			},
		},
		{
			name: "5xx then recovery", backend: llm.BackendOllama,
			handler: failFirstPerItem(2, llmtest.Reply{Status: http.StatusServiceUnavailable}, ok),
			want:    map[string]int{"classified": n},
			check: func(t *testing.T, b *testBundle) {
				require.Equal(t, 2*n, b.model.Status(http.StatusServiceUnavailable))
			},
		},
		{
			name: "timeouts", backend: llm.BackendOpenAI, llmTimeout: 300 * time.Millisecond,
			handler: llmtest.FailFirst(n/2, llmtest.Reply{Hang: true}, ok),
			want:    map[string]int{"classified": n},
			check: func(t *testing.T, b *testBundle) {
				// Every hang times out; on a loaded machine an answer that
				// is merely slow may too (and its retry succeeds).
				timeouts := count(t, b.pool, "SELECT count(*) FROM model_calls WHERE task = 'classify' AND outcome = 'timeout'")
				require.GreaterOrEqual(t, timeouts, n/2)
				require.Less(t, timeouts, n, "the answers that did not hang did not time out")
			},
		},
		{
			name: "truncated answers", backend: llm.BackendOllama,
			handler: failFirstPerItem(1, llmtest.Reply{Truncate: true, Content: "{}"}, ok),
			want:    map[string]int{"classified": n},
		},
		{
			name: "garbage output", backend: llm.BackendOpenAI, handler: llmtest.Garbage(),
			want: map[string]int{"needs_human": n}, reason: "model output invalid after a repair attempt",
			check: func(t *testing.T, b *testBundle) {
				require.Equal(t, 2*n, count(t, b.pool, "SELECT count(*) FROM model_calls WHERE task LIKE 'classify%' AND outcome = 'invalid_output'"), "one call and one repair per item")
			},
		},
		{
			name: "schema violation repaired", backend: llm.BackendOllama, handler: repairing(),
			want: map[string]int{"classified": n},
			check: func(t *testing.T, b *testBundle) {
				require.Equal(t, n, count(t, b.pool, "SELECT count(*) FROM classifications WHERE repaired AND model_calls = 2"))
			},
		},
		{
			name: "5xx forever", backend: llm.BackendOpenAI, handler: llmtest.ServerError(http.StatusInternalServerError),
			want: map[string]int{"needs_human": n}, reason: "classification failed after 3 attempts",
		},
		{
			name: "rejected key", backend: llm.BackendOllama, handler: llmtest.Always(llmtest.Reply{Status: http.StatusUnauthorized}),
			want: map[string]int{"needs_human": n}, reason: "rejected",
			check: func(t *testing.T, b *testBundle) {
				require.Equal(t, n, b.classifyCalls(), "a rejected request is not retried")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, setupOpts{backend: tt.backend, handler: tt.handler, maxAttempts: 3, llmTimeout: tt.llmTimeout})
			status, res := post(t, b.api.URL, makeItems("f", n, uniqueText))
			require.Equal(t, http.StatusAccepted, status)
			require.Equal(t, n, res.Created)
			got := waitSettled(t, b.pool, n)
			if !assertEqualMap(tt.want, got) {
				rows, _ := b.pool.Query(context.Background(), "SELECT state_reason FROM items WHERE state = 'needs_human' LIMIT 3")
				for rows.Next() {
					var r string
					_ = rows.Scan(&r)
					t.Log(r)
				}
			}
			require.Equal(t, tt.want, got)
			if tt.reason != "" {
				rows, err := b.pool.Query(context.Background(), "SELECT state_reason FROM items WHERE state = 'needs_human'")
				require.NoError(t, err)
				for rows.Next() {
					var reason string
					require.NoError(t, rows.Scan(&reason))
					require.True(t, strings.Contains(reason, tt.reason), "reason %q", reason)
				}
				require.NoError(t, rows.Err())
				require.Equal(t, n, count(t, b.pool, "SELECT count(*) FROM item_events WHERE to_state = 'needs_human' AND reason <> ''"))
			}
			if tt.check != nil {
				tt.check(t, b)
			}
		})
	}
}

func assertEqualMap(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
