package llmtest

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Message is one chat message of a Call.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Call is one valid request, as the fake server parsed it.
type Call struct {
	// N numbers the server's requests from 1, in arrival order (requests
	// the server rejected as invalid included).
	N int
	// Model, Messages and Schema are what the client sent; SchemaName is
	// OpenAI's json_schema.name (empty for Ollama).
	Model      string
	Messages   []Message
	SchemaName string
	Schema     json.RawMessage
	// Temperature is nil when the request set none. MaxTokens is
	// max_tokens or max_completion_tokens (OpenAI) or num_predict
	// (Ollama), 0 when unset.
	Temperature *float64
	MaxTokens   int
	// Stream reports whether the client asked for a streamed answer
	// (Ollama only: the OpenAI fake rejects streaming).
	Stream bool
	// Header and Body are the raw HTTP request headers and body.
	Header http.Header
	Body   []byte
}

// LastUser returns the content of the last user message, "" when none.
func (c Call) LastUser() string {
	for _, m := range slices.Backward(c.Messages) {
		if m.Role == "user" {
			return m.Content
		}
	}
	return ""
}

// Handler decides the answer to a call. ctx is done when the client gives
// up or the server closes. Handlers may be called concurrently.
type Handler func(ctx context.Context, c Call) Reply

// Reply is a handler's decision: a model answer, an HTTP error, or a fault.
type Reply struct {
	// Content is the model's answer: message.content on both backends.
	Content string
	// Refusal, OpenAI only, answers with a refusal (and null content).
	Refusal string
	// FinishReason is OpenAI's finish_reason or Ollama's done_reason:
	// "stop" when empty. "length" marks an answer cut by the token limit,
	// "content_filter" (OpenAI) one withheld by a filter.
	FinishReason string
	// PromptTokens and CompletionTokens are the usage reported; when 0 they
	// are estimated from the text, one token per 4 bytes.
	PromptTokens     int
	CompletionTokens int

	// Status, when neither 0 nor 200, answers with that HTTP status and an
	// error body in the backend's format, with Error as its message
	// (http.StatusText(Status) when empty).
	Status int
	Error  string
	// RetryAfter, when not empty, is sent as the Retry-After header.
	RetryAfter string
	// Body, when not empty, is sent verbatim as the response body (with
	// Status, 200 when 0) in place of the backend's JSON.
	Body string

	// Delay waits before answering. If the client gives up meanwhile,
	// nothing is sent.
	Delay time.Duration
	// Hang never answers: the request blocks until the client gives up or
	// the server closes.
	Hang bool
	// Truncate sends the first half of the response body, then drops the
	// connection, as a crashing server or proxy does.
	Truncate bool
}

// protocol is one backend's wire format.
type protocol interface {
	// route reports whether the method and path are the chat endpoint,
	// writing the error itself when not.
	route(w http.ResponseWriter, r *http.Request) bool
	// parse validates a request body, returning a non-empty message when
	// the real API would answer 400.
	parse(body []byte) (Call, string)
	// errorBody renders an error response.
	errorBody(status int, msg string) []byte
	// answer renders a successful answer as chunks to write and flush in
	// turn, with its content type.
	answer(c Call, r Reply) (contentType string, chunks [][]byte)
}

// Server is a running fake backend. It closes when the test that created it
// ends.
type Server struct {
	// URL is the server's root, http://127.0.0.1:port.
	URL string

	backend string
	proto   protocol
	handler Handler
	srv     *httptest.Server
	ctx     context.Context // done when the server closes
	stop    context.CancelFunc
	n       atomic.Int64

	mu          sync.Mutex
	calls       []Call
	statuses    map[int]int
	inFlight    int
	maxInFlight int
}

// newServer starts a fake speaking proto. A nil handler is Classifier().
// A nil t is allowed outside tests (examples): then call Close.
func newServer(t testing.TB, backend string, proto protocol, h Handler) *Server {
	if t != nil {
		t.Helper()
	}
	if h == nil {
		h = Classifier()
	}
	s := &Server{backend: backend, proto: proto, handler: h, statuses: map[int]int{}}
	s.ctx, s.stop = context.WithCancel(context.Background())
	s.srv = httptest.NewServer(s)
	s.URL = s.srv.URL
	if t != nil {
		t.Cleanup(s.Close)
	}
	return s
}

// BaseURL returns the URL to configure a client with: URL+"/v1" for the
// OpenAI fake (the OpenAI base URL includes the version), URL for Ollama.
func (s *Server) BaseURL() string {
	if s.backend == "openai" {
		return s.URL + "/v1"
	}
	return s.URL
}

// Close stops the server: waiting and hanging handlers return at once. It
// is called by the test's cleanup, and is safe to call more than once.
func (s *Server) Close() {
	s.stop()
	s.srv.Close()
}

// Requests returns how many HTTP requests the server received.
func (s *Server) Requests() int { return int(s.n.Load()) }

// Status returns how many answers the server sent with HTTP status code.
// Requests abandoned by the client before an answer count under no status.
func (s *Server) Status(code int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.statuses[code]
}

// Statuses returns how many answers the server sent per HTTP status.
func (s *Server) Statuses() map[int]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.statuses)
}

// InFlight returns how many requests the server is handling right now: a
// request counts from its arrival until its answer starts, or until the
// server notices that its client gave up.
func (s *Server) InFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inFlight
}

// MaxInFlight returns the most requests the server handled at once.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

// Calls returns the valid requests the server passed to its handler, in
// arrival order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(s.n.Add(1))
	s.enter()
	sw := &statusWriter{ResponseWriter: w, s: s, leave: sync.OnceFunc(s.leave)}
	defer sw.leave()
	w = sw
	if !s.proto.route(w, r) {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		s.reject(w, "read body: "+err.Error())
		return
	}
	call, invalid := s.proto.parse(body)
	if invalid != "" {
		s.reject(w, invalid)
		return
	}
	call.N, call.Header, call.Body = n, r.Header.Clone(), body
	s.serve(w, r, call)
}

// maxBody bounds a request body, as real servers do.
const maxBody = 8 << 20

// reject answers 400 with msg.
func (s *Server) reject(w http.ResponseWriter, msg string) {
	s.write(w, Reply{}, http.StatusBadRequest, "application/json", [][]byte{s.proto.errorBody(http.StatusBadRequest, msg)})
}

// serve asks the handler and sends its reply.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, call Call) {
	s.mu.Lock()
	s.calls = append(s.calls, call)
	s.mu.Unlock()
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stop := context.AfterFunc(s.ctx, cancel) // the server closing ends the call too
	defer stop()
	reply := s.handler(ctx, call)
	if !wait(ctx, reply) {
		return
	}
	switch {
	case reply.Body != "":
		s.write(w, reply, cmpStatus(reply.Status), "application/json", [][]byte{[]byte(reply.Body)})
	case reply.Status != 0 && reply.Status != http.StatusOK:
		msg := reply.Error
		if msg == "" {
			msg = http.StatusText(reply.Status)
		}
		s.write(w, reply, reply.Status, "application/json", [][]byte{s.proto.errorBody(reply.Status, msg)})
	default:
		contentType, chunks := s.proto.answer(call, reply)
		s.write(w, reply, http.StatusOK, contentType, chunks)
	}
}

// wait applies a reply's Delay or Hang, reporting whether to answer.
func wait(ctx context.Context, r Reply) bool {
	if r.Hang {
		<-ctx.Done()
		return false
	}
	if r.Delay <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(r.Delay)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// write sends an answer, flushing after each chunk; with r.Truncate it
// sends half of the bytes and drops the connection.
func (s *Server) write(w http.ResponseWriter, r Reply, status int, contentType string, chunks [][]byte) {
	if r.RetryAfter != "" {
		w.Header().Set("Retry-After", r.RetryAfter)
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	if r.Truncate {
		all := slices.Concat(chunks...)
		chunks = [][]byte{all[:len(all)/2]}
	}
	for _, c := range chunks {
		_, _ = w.Write(c)
		http.NewResponseController(w).Flush()
	}
	if r.Truncate {
		panic(http.ErrAbortHandler) // closes the connection mid-body
	}
}

func cmpStatus(status int) int {
	if status == 0 {
		return http.StatusOK
	}
	return status
}

func (s *Server) count(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.statuses[status]++
}

func (s *Server) enter() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
}

func (s *Server) leave() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight--
}

// statusWriter counts the status of every answer, and ends the request's
// time in flight as the answer starts: once the client can read it, the
// client may send its next request, and the fake must not count both.
type statusWriter struct {
	http.ResponseWriter
	s     *Server
	leave func()
}

// WriteHeader implements http.ResponseWriter.
func (w *statusWriter) WriteHeader(status int) {
	w.s.count(status)
	w.leave()
	w.ResponseWriter.WriteHeader(status)
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// estimateTokens approximates a token count: one token per 4 bytes, at
// least 1.
func estimateTokens(s string) int { return len(s)/4 + 1 }
