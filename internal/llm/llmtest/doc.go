// Package llmtest runs in-process fakes of the model APIs Triage talks to:
// an OpenAI chat-completions server ([NewOpenAI]) and an Ollama chat server
// ([NewOllama]). They speak the real wire protocols, validate requests as
// strictly as the real APIs (stricter on one point: a request must carry a
// JSON schema), and let a test decide every answer with a [Handler]: valid
// classifications ([Classifier]), faults ([RateLimited], [ServerError],
// [Garbage], [SchemaViolation], [Truncated], [Hang]), schedules of them
// ([Sequence], [FailFirst], [FailEvery], [Slow]) and a provider's
// requests-per-minute limit ([RateLimit]).
//
// A [Server] counts what it serves (requests, answers per status, the most
// requests in flight at once), so tests can assert retries, rate limiting
// and concurrency bounds:
//
//	srv := llmtest.NewOpenAI(t, llmtest.FailFirst(2, llmtest.Reply{Status: 503}, llmtest.Classifier()))
//	client, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: srv.BaseURL(), Model: "gpt-4o-mini"})
//	...
//	require.Equal(t, 2, srv.Status(503))
//	require.LessOrEqual(t, srv.MaxInFlight(), 4)
package llmtest
