package llmtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"testing"
	"time"
)

// NewOpenAI starts a fake OpenAI chat-completions API serving
// POST /v1/chat/completions (configure clients with [Server.BaseURL]),
// answering with h (Classifier() when nil). It closes when t's test ends;
// t may be nil outside tests (runnable examples), and then the caller
// calls Close.
//
// It answers 400 with an OpenAI error body ({"error":{"message","type",
// "param","code"}}) when the model or messages are missing, a message is
// not text, the temperature is outside [0,2], streaming is asked for, or the
// response_format is not {"type":"json_schema","json_schema":{"name",
// "strict":true,"schema":{"type":"object",...}}}, or the schema breaks
// strict mode's rules (every object with "additionalProperties": false and
// all its properties required). The real API accepts requests without a
// schema; this fake does not, so that tests prove a client sends one.
func NewOpenAI(t testing.TB, h Handler) *Server {
	if t != nil {
		t.Helper()
	}
	return newServer(t, "openai", openaiProtocol{}, h)
}

type openaiProtocol struct{}

// openaiRequest is the part of a chat-completions request the fake reads.
type openaiRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	Temperature         *float64 `json:"temperature"`
	MaxTokens           int      `json:"max_tokens"`
	MaxCompletionTokens int      `json:"max_completion_tokens"`
	Stream              bool     `json:"stream"`
	ResponseFormat      *struct {
		Type       string `json:"type"`
		JSONSchema *struct {
			Name   string          `json:"name"`
			Strict bool            `json:"strict"`
			Schema json.RawMessage `json:"schema"`
		} `json:"json_schema"`
	} `json:"response_format"`
}

var schemaNameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

func (openaiProtocol) route(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.Path == "/v1/chat/completions" && r.Method == http.MethodPost {
		return true
	}
	status := http.StatusNotFound
	if r.URL.Path == "/v1/chat/completions" {
		status = http.StatusMethodNotAllowed
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(openaiProtocol{}.errorBody(status, fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path)))
	return false
}

func (openaiProtocol) parse(body []byte) (Call, string) {
	var req openaiRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return Call{}, "We could not parse the JSON body of your request: " + err.Error()
	}
	if msg := req.check(); msg != "" {
		return Call{}, msg
	}
	c := Call{Model: req.Model, Temperature: req.Temperature, MaxTokens: max(req.MaxTokens, req.MaxCompletionTokens)}
	c.SchemaName, c.Schema = req.ResponseFormat.JSONSchema.Name, req.ResponseFormat.JSONSchema.Schema
	for i, m := range req.Messages {
		var text string
		if err := json.Unmarshal(m.Content, &text); err != nil {
			return Call{}, fmt.Sprintf("Invalid type for 'messages[%d].content': expected a string", i)
		}
		c.Messages = append(c.Messages, Message{Role: m.Role, Content: text})
	}
	return c, ""
}

// check returns what the real API (or, for the schema, this fake) would
// reject in req.
func (req *openaiRequest) check() string {
	switch {
	case req.Model == "":
		return "you must provide a model parameter"
	case len(req.Messages) == 0:
		return "[] is too short - 'messages'"
	case req.Temperature != nil && (*req.Temperature < 0 || *req.Temperature > 2):
		return fmt.Sprintf("Invalid 'temperature': expected a value in [0, 2], but got %v instead.", *req.Temperature)
	case req.Stream:
		return "llmtest: the fake does not stream; send stream false"
	case req.ResponseFormat == nil || req.ResponseFormat.Type != "json_schema" || req.ResponseFormat.JSONSchema == nil:
		return `llmtest: response_format must be {"type":"json_schema","json_schema":{...}}`
	case !schemaNameRE.MatchString(req.ResponseFormat.JSONSchema.Name):
		return "Invalid 'response_format.json_schema.name': must match ^[a-zA-Z0-9_-]{1,64}$."
	case !req.ResponseFormat.JSONSchema.Strict:
		return "llmtest: response_format.json_schema.strict must be true"
	case !objectSchema(req.ResponseFormat.JSONSchema.Schema):
		return fmt.Sprintf("Invalid schema for response_format '%s': schema must be a JSON Schema of 'type: \"object\"'.", req.ResponseFormat.JSONSchema.Name)
	}
	if msg := strictProblem(req.ResponseFormat.JSONSchema.Schema); msg != "" {
		return fmt.Sprintf("Invalid schema for response_format '%s': %s", req.ResponseFormat.JSONSchema.Name, msg)
	}
	return ""
}

// strictProblem applies the rules of OpenAI's strict structured outputs to
// every object of a schema: additionalProperties false, every property
// required. It returns the first problem found, "" when none.
func strictProblem(schema json.RawMessage) string {
	var root any
	if err := json.Unmarshal(schema, &root); err != nil {
		return err.Error()
	}
	return strictObject(root, "()")
}

func strictObject(v any, path string) string {
	node, _ := v.(map[string]any)
	props, _ := node["properties"].(map[string]any)
	if node["type"] != "object" {
		return ""
	}
	if node["additionalProperties"] != false {
		return fmt.Sprintf("In context=%s, 'additionalProperties' is required to be supplied and to be false.", path)
	}
	required, _ := node["required"].([]any)
	for _, name := range slices.Sorted(maps.Keys(props)) {
		if !slices.Contains(required, any(name)) {
			return fmt.Sprintf("In context=%s, 'required' is required to be supplied and to be an array including every key in properties. Missing '%s'.", path, name)
		}
		if msg := strictObject(props[name], path+".properties."+name); msg != "" {
			return msg
		}
	}
	return ""
}

// objectSchema reports whether b is a JSON schema of an object.
func objectSchema(b json.RawMessage) bool {
	var s struct {
		Type string `json:"type"`
	}
	return bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) && json.Unmarshal(b, &s) == nil && s.Type == "object"
}

func (openaiProtocol) errorBody(status int, msg string) []byte {
	typ, code := "invalid_request_error", any(nil)
	switch {
	case status == http.StatusUnauthorized:
		code = "invalid_api_key"
	case status == http.StatusNotFound:
		code = "model_not_found"
	case status == http.StatusTooManyRequests:
		typ, code = "requests", "rate_limit_exceeded"
	case status >= 500:
		typ = "server_error"
	}
	return mustJSON(map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": code}})
}

func (openaiProtocol) answer(c Call, r Reply) (string, [][]byte) {
	msg := map[string]any{"role": "assistant", "content": r.Content, "refusal": nil}
	if r.Refusal != "" {
		msg["content"], msg["refusal"] = nil, r.Refusal
	}
	prompt, completion := usage(c, r)
	return "application/json", [][]byte{mustJSON(map[string]any{
		"id":                 fmt.Sprintf("chatcmpl-llmtest-%d", c.N),
		"object":             "chat.completion",
		"created":            time.Now().Unix(),
		"model":              c.Model,
		"system_fingerprint": "fp_llmtest",
		"choices": []any{map[string]any{
			"index": 0, "message": msg, "logprobs": nil, "finish_reason": finishReason(r),
		}},
		"usage": map[string]any{"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
	})}
}

// usage returns the token counts of a reply, estimated when not set.
func usage(c Call, r Reply) (prompt, completion int) {
	prompt, completion = r.PromptTokens, r.CompletionTokens
	if prompt == 0 {
		for _, m := range c.Messages {
			prompt += estimateTokens(m.Content)
		}
	}
	if completion == 0 {
		completion = estimateTokens(r.Content + r.Refusal)
	}
	return prompt, completion
}

func finishReason(r Reply) string {
	if r.FinishReason == "" {
		return "stop"
	}
	return r.FinishReason
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only maps, slices, strings and numbers
	}
	return append(b, '\n')
}
