package eval_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/triage-oss/triage/internal/calllog"
	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/eval"
	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/llm/llmtest"
	"github.com/triage-oss/triage/internal/prompt"
	"github.com/triage-oss/triage/internal/taxonomy"
	"github.com/triage-oss/triage/prompts"
)

// BenchmarkEvalThroughput runs 1,000 items against the fake OpenAI server
// answering after 200 ms, 32 calls at a time: the floor is 1000 × 0.2 / 32
// = 6.25 s, the target under 10 s.
//
//	go test -run x -bench EvalThroughput -benchtime 1x ./internal/eval
func BenchmarkEvalThroughput(b *testing.B) {
	const items, latency, concurrency = 1000, 200 * time.Millisecond, 32
	srv := llmtest.NewOpenAI(b, llmtest.Slow(latency, llmtest.Classifier()))
	client, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: srv.BaseURL(), Model: "fake"})
	if err != nil {
		b.Fatal(err)
	}
	limited, err := llm.NewLimiter(client, llm.LimitConfig{MaxConcurrent: concurrency, Timeout: 10 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	p, err := prompt.Load(prompts.FS, "classify/v1")
	if err != nil {
		b.Fatal(err)
	}
	c, err := classify.NewLLM(limited, calllog.Discard{}, classify.LLMConfig{Prompt: p})
	if err != nil {
		b.Fatal(err)
	}
	set := make([]eval.Item, items)
	for i := range set {
		set[i] = eval.Item{ID: fmt.Sprint(i), Text: fmt.Sprintf("my photos are not syncing, error %d", i), Channel: "x",
			Labels: map[taxonomy.Field]string{taxonomy.FieldIntent: "support_issue"}}
	}
	for b.Loop() {
		start := time.Now()
		res, err := eval.Evaluate(context.Background(), set, c, eval.Setup{Options: eval.Options{Concurrency: concurrency}})
		if err != nil {
			b.Fatal(err)
		}
		if res.Scores.Scored != items {
			b.Fatalf("%d of %d items scored", res.Scores.Scored, items)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/run")
		b.ReportMetric(float64(srv.MaxInFlight()), "max_in_flight")
	}
}
