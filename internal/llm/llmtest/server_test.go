package llmtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/llm/llmtest"
)

func TestServerCounters(t *testing.T) {
	t.Parallel()

	const callers = 6
	srv := llmtest.NewOpenAI(t, llmtest.FailEvery(2, llmtest.Reply{Status: http.StatusServiceUnavailable}, llmtest.Slow(100*time.Millisecond, llmtest.Classifier())))
	b, err := json.Marshal(openaiBody(nil))
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			resp, err := http.Post(srv.BaseURL()+"/chat/completions", "application/json", bytes.NewReader(b))
			if err == nil {
				resp.Body.Close()
			}
		})
	}
	wg.Wait()

	require.Equal(t, callers, srv.Requests())
	require.Equal(t, map[int]int{http.StatusOK: callers / 2, http.StatusServiceUnavailable: callers / 2}, srv.Statuses())
	require.GreaterOrEqual(t, srv.MaxInFlight(), callers/2, "the slow successes overlap")
	require.LessOrEqual(t, srv.MaxInFlight(), callers)
	require.Zero(t, srv.InFlight())
	ns := map[int]bool{}
	for _, c := range srv.Calls() {
		ns[c.N] = true
	}
	require.Len(t, ns, callers)
}

func TestServerCloseEndsHangingRequests(t *testing.T) {
	t.Parallel()

	srv := llmtest.NewOllama(nil, llmtest.Hang())
	b, err := json.Marshal(ollamaBody(nil))
	require.NoError(t, err)
	errc := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.BaseURL()+"/api/chat", bytes.NewReader(b))
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	require.Eventually(t, func() bool { return srv.InFlight() == 1 }, time.Second, time.Millisecond)

	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close blocked on a hanging request")
	}
	<-errc
	srv.Close() // idempotent
}
