// Command fakellm serves the test suite's fake model on a port: the OpenAI
// chat-completions or Ollama /api/chat wire protocol, answering every call
// with llmtest's deterministic keyword classifier (or a fixed reply). It
// lets an operator try the model backends, record a cassette, or load-test
// a worker without a key or a GPU:
//
//	go run ./internal/llm/llmtest/cmd/fakellm -addr 127.0.0.1:9090 &
//	OPENAI_BASE_URL=http://127.0.0.1:9090/v1 OPENAI_MODEL=fake TRIAGE_BACKEND=openai triage eval run --set evals/core.jsonl
//
// Its labels come from keyword rules, not a language model: use it to
// exercise the plumbing, never to judge a prompt.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/triage-oss/triage/internal/llm/llmtest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9090", "listen address")
	protocol := flag.String("protocol", "openai", "openai or ollama")
	latency := flag.Duration("latency", 0, "delay before every answer")
	flag.Parse()
	h := llmtest.Classifier()
	if *latency > 0 {
		h = llmtest.Slow(*latency, h)
	}
	var srv *llmtest.Server
	switch *protocol {
	case "openai":
		srv = llmtest.NewOpenAI(nil, h)
	case "ollama":
		srv = llmtest.NewOllama(nil, h)
	default:
		log.Fatalf("fakellm: -protocol %q: want openai or ollama", *protocol)
	}
	defer srv.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	hs := &http.Server{Addr: *addr, Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = hs.Shutdown(context.Background())
	}()
	fmt.Fprintf(os.Stderr, "fakellm: %s protocol on http://%s\n", *protocol, *addr)
	if err := hs.ListenAndServe(); err != http.ErrServerClosed {
		log.Fatalf("fakellm: %v", err)
	}
}
