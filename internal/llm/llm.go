// Package llm talks to language models that answer with structured JSON:
// any OpenAI-compatible chat-completions API (OpenAI, Azure, vLLM, llama.cpp
// server, LM Studio) and Ollama. Each backend is a small client with one
// method, Complete, that sends a chat and a JSON schema and returns the raw
// JSON text the model produced, with token counts and latency.
//
// Errors are classified so callers can decide what to do without knowing the
// backend: errors.Is(err, ErrRateLimited) (with [RetryAfter]),
// ErrTimeout, ErrUnavailable (5xx, connection failures) are worth retrying;
// ErrRejected (any other 4xx) is not. Validation of the JSON itself is the
// caller's job: this package never trusts or interprets model output.
package llm

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Backend names, as configured with TRIAGE_BACKEND and recorded with every
// model call.
const (
	BackendOpenAI = "openai"
	BackendOllama = "ollama"
	BackendLocal  = "local"
)

// Role is the author of a chat message.
type Role string

// Roles.
const (
	RoleSystem    Role = "system"
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
)

// Message is one chat message.
type Message struct {
	Role    Role   `json:"role"`
	Content string `json:"content"`
}

// Request asks a model for one JSON object that fills Schema.
type Request struct {
	Messages []Message `json:"messages"`

	// SchemaName names the schema for backends that take a name (OpenAI);
	// Schema is the JSON schema itself.
	SchemaName string          `json:"schema_name"`
	Schema     json.RawMessage `json:"schema"`

	// Temperature is the sampling temperature; MaxTokens bounds the answer
	// (0 leaves the backend's default).
	Temperature float64 `json:"temperature"`
	MaxTokens   int     `json:"max_tokens,omitempty"`
}

// Response is a model's answer to a Request.
type Response struct {
	// Content is the raw text the model produced, expected to be JSON.
	Content string `json:"content"`
	// Model is the model that answered, as the backend reports it.
	Model string `json:"model"`

	PromptTokens     int           `json:"prompt_tokens"`
	CompletionTokens int           `json:"completion_tokens"`
	Latency          time.Duration `json:"latency"`
}

// Sentinel error kinds. Every error a backend returns matches exactly one
// of them with errors.Is.
var (
	// ErrRateLimited: the backend answered 429. RetryAfter tells how long
	// it asked to wait, when it did.
	ErrRateLimited = errors.New("rate limited by model backend")
	// ErrTimeout: the request did not complete within its deadline.
	ErrTimeout = errors.New("model request timed out")
	// ErrUnavailable: a 5xx answer, a connection failure or an answer that
	// could not be read. Worth retrying.
	ErrUnavailable = errors.New("model backend unavailable")
	// ErrRejected: the backend refused the request (4xx other than 408 and
	// 429: bad key, unknown model, request too large). Retrying the same
	// request will not help.
	ErrRejected = errors.New("model backend rejected the request")
)

// Error is the error returned by every backend call.
type Error struct {
	Backend    string
	Model      string
	Kind       error         // one of the sentinel errors above
	StatusCode int           // HTTP status, 0 when none was received
	RetryAfter time.Duration // from a Retry-After header, 0 when absent
	Err        error         // the underlying cause
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("%s %s: %v", e.Backend, e.Model, e.Kind)
	if e.StatusCode != 0 {
		msg += fmt.Sprintf(" (HTTP %d)", e.StatusCode)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap exposes both the kind and the cause to errors.Is and errors.As.
func (e *Error) Unwrap() []error { return []error{e.Kind, e.Err} }

// RetryAfter returns the wait a backend asked for with a Retry-After header,
// and whether it asked at all.
func RetryAfter(err error) (time.Duration, bool) {
	var e *Error
	if errors.As(err, &e) && e.RetryAfter > 0 {
		return e.RetryAfter, true
	}
	return 0, false
}

// Temporary reports whether retrying the same request later may succeed.
func Temporary(err error) bool {
	return errors.Is(err, ErrRateLimited) || errors.Is(err, ErrTimeout) || errors.Is(err, ErrUnavailable)
}
