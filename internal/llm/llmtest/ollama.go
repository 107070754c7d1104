package llmtest

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// NewOllama starts a fake Ollama server serving POST /api/chat (configure
// clients with [Server.BaseURL]), answering with h (Classifier() when nil).
// It closes when t's test ends; t may be nil outside tests (runnable
// examples), and then the caller calls Close.
//
// With "stream": false it answers one JSON object; otherwise (Ollama's
// default) an NDJSON stream of message chunks, flushed one by one, ending
// with a chunk with "done": true, the done_reason and the token counts. It
// answers 400 {"error": "..."} when the model or messages are missing, an
// option has the wrong type, or format is not a JSON schema object: the
// real server also accepts "json" or no format, this fake does not, so that
// tests prove a client sends the schema.
func NewOllama(t testing.TB, h Handler) *Server {
	if t != nil {
		t.Helper()
	}
	return newServer(t, "ollama", ollamaProtocol{}, h)
}

type ollamaProtocol struct{}

// ollamaRequest is the part of a chat request the fake reads.
type ollamaRequest struct {
	Model    string          `json:"model"`
	Messages []Message       `json:"messages"`
	Stream   *bool           `json:"stream"`
	Format   json.RawMessage `json:"format"`
	Options  struct {
		Temperature *float64 `json:"temperature"`
		NumPredict  int      `json:"num_predict"`
	} `json:"options"`
}

// streamChunk is how many runes of content each streamed chunk carries.
const streamChunk = 16

func (ollamaProtocol) route(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.Path == "/api/chat" && r.Method == http.MethodPost {
		return true
	}
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte("404 page not found"))
	return false
}

func (ollamaProtocol) parse(body []byte) (Call, string) {
	var req ollamaRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return Call{}, err.Error()
	}
	switch {
	case req.Model == "":
		return Call{}, "model is required"
	case len(req.Messages) == 0:
		return Call{}, "llmtest: messages are required"
	case !objectSchema(req.Format):
		return Call{}, `llmtest: format must be a JSON schema object ({"type":"object",...})`
	}
	return Call{
		Model:       req.Model,
		Messages:    req.Messages,
		Schema:      req.Format,
		Temperature: req.Options.Temperature,
		MaxTokens:   req.Options.NumPredict,
		Stream:      req.Stream == nil || *req.Stream,
	}, ""
}

func (ollamaProtocol) errorBody(_ int, msg string) []byte {
	return mustJSON(map[string]string{"error": msg})
}

func (ollamaProtocol) answer(c Call, r Reply) (string, [][]byte) {
	prompt, completion := usage(c, r)
	final := map[string]any{
		"model":                c.Model,
		"created_at":           time.Now().UTC().Format(time.RFC3339Nano),
		"message":              map[string]string{"role": "assistant", "content": r.Content},
		"done":                 true,
		"done_reason":          finishReason(r),
		"total_duration":       int64(r.Delay) + 1,
		"load_duration":        0,
		"prompt_eval_count":    prompt,
		"prompt_eval_duration": 1,
		"eval_count":           completion,
		"eval_duration":        1,
	}
	if !c.Stream {
		return "application/json; charset=utf-8", [][]byte{mustJSON(final)}
	}
	var chunks [][]byte
	for _, piece := range split([]rune(r.Content), streamChunk) {
		chunks = append(chunks, mustJSON(map[string]any{
			"model":      c.Model,
			"created_at": final["created_at"],
			"message":    map[string]string{"role": "assistant", "content": string(piece)},
			"done":       false,
		}))
	}
	final["message"] = map[string]string{"role": "assistant", "content": ""}
	return "application/x-ndjson", append(chunks, mustJSON(final))
}

// split cuts s into pieces of at most n runes.
func split(s []rune, n int) [][]rune {
	var out [][]rune
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	if len(s) > 0 {
		out = append(out, s)
	}
	return out
}
