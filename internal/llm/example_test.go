package llm_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/llm/llmtest"
	"github.com/triage-oss/triage/internal/taxonomy"
)

// An integrator builds a client from configuration, bounds it with a
// Limiter, sends the taxonomy's schema and validates the answer: Complete
// returns whatever the model wrote.
func ExampleNewOpenAI() {
	// A fake API for the example. In production BaseURL is empty (OpenAI)
	// or an OpenAI-compatible server such as http://vllm:8000/v1.
	srv := llmtest.NewOpenAI(nil, llmtest.Classifier())
	defer srv.Close()

	client, err := llm.NewOpenAI(llm.OpenAIConfig{
		BaseURL: srv.BaseURL(),
		APIKey:  os.Getenv("OPENAI_API_KEY"),
		Model:   "gpt-4o-mini",
	})
	if err != nil {
		log.Fatal(err)
	}
	model, err := llm.NewLimiter(client, llm.LimitConfig{MaxConcurrent: 8, Timeout: time.Minute})
	if err != nil {
		log.Fatal(err)
	}

	tax := taxonomy.Default()
	resp, err := model.Complete(context.Background(), llm.Request{
		Messages: []llm.Message{
			{Role: llm.RoleSystem, Content: "Classify the community item for the support team."},
			{Role: llm.RoleUser, Content: "I was charged twice, please refund me"},
		},
		SchemaName: taxonomy.SchemaName,
		Schema:     tax.SchemaJSON(),
		MaxTokens:  512,
	})
	if err != nil {
		log.Fatal(err)
	}
	c, err := tax.Parse([]byte(resp.Content))
	if err != nil {
		log.Fatal(err) // in the pipeline: ask the model to repair, or send to review
	}
	fmt.Println(c.Intent, c.Topic, c.Urgency, c.Sentiment)
	// Output: support_issue billing high negative
}

// Ollama is configured the same way; the request does not change.
func ExampleNewOllama() {
	srv := llmtest.NewOllama(nil, llmtest.Classifier())
	defer srv.Close()

	client, err := llm.NewOllama(llm.OllamaConfig{
		Host:      srv.BaseURL(), // empty: http://127.0.0.1:11434
		Model:     "qwen2.5:7b",
		KeepAlive: 30 * time.Minute,
	})
	if err != nil {
		log.Fatal(err)
	}
	resp, err := client.Complete(context.Background(), llm.Request{
		Messages: []llm.Message{{Role: llm.RoleUser, Content: "Free crypto giveaway! Send 1 ETH, get 2 back"}},
		Schema:   taxonomy.Default().SchemaJSON(),
	})
	if err != nil {
		log.Fatal(err)
	}
	c, err := taxonomy.Default().Parse([]byte(resp.Content))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Intent, c.Risk, c.Severity)
	// Output: risk_signal scam high
}

// Errors say whether and when to retry, whatever the backend.
func ExampleRetryAfter() {
	srv := llmtest.NewOpenAI(nil, llmtest.RateLimited("20"))
	defer srv.Close()
	client, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: srv.BaseURL(), Model: "gpt-4o-mini"})
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.Complete(context.Background(), llm.Request{
		Messages: []llm.Message{{Role: llm.RoleUser, Content: "hello"}},
		Schema:   taxonomy.Default().SchemaJSON(),
	})
	switch wait, asked := llm.RetryAfter(err); {
	case errors.Is(err, llm.ErrRateLimited) && asked:
		fmt.Println("rate limited: snooze the job for", wait)
	case llm.Temporary(err):
		fmt.Println("retry later with backoff")
	case err != nil:
		fmt.Println("cancel the job:", errors.Is(err, llm.ErrRejected))
	}
	// Output: rate limited: snooze the job for 20s
}
