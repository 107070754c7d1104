package embed_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// fakeRequest is what a fake embeddings server received.
type fakeRequest struct {
	Path, Auth string
	Model      string   `json:"model"`
	Input      []string `json:"input"`
	Dimensions int      `json:"dimensions"`
}

// fakeReply is how a fake server answers one request: an error status
// (with headers) or vectors.
type fakeReply struct {
	status  int
	header  map[string]string
	vectors [][]float32 // nil: fakeVector of every input
	order   []int       // OpenAI: the order of data items; nil: input order
	delay   time.Duration
}

// fakeServer serves OpenAI's POST /v1/embeddings and Ollama's POST
// /api/embed in their wire formats, answering each request with reply and
// recording it.
type fakeServer struct {
	*httptest.Server
	dim   int
	reply func(fakeRequest) fakeReply

	mu       sync.Mutex
	requests []fakeRequest
}

func newFakeServer(t *testing.T, dim int, reply func(fakeRequest) fakeReply) *fakeServer {
	t.Helper()
	f := &fakeServer{dim: dim, reply: reply}
	if f.reply == nil {
		f.reply = func(fakeRequest) fakeReply { return fakeReply{} }
	}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// fakeVector is the unnormalized vector the fake returns for text: every
// component non-zero and depending on the text.
func fakeVector(text string, dim int) []float32 {
	v := make([]float32, dim)
	for i := range v {
		v[i] = float32(len(text)+i+1) * 0.5
	}
	return v
}

func (f *fakeServer) seen() []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeRequest(nil), f.requests...)
}

func (f *fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	var req fakeRequest
	if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&req) != nil {
		http.Error(w, `{"error":"bad request"}`, http.StatusBadRequest)
		return
	}
	req.Path, req.Auth = r.URL.Path, r.Header.Get("Authorization")
	f.mu.Lock()
	f.requests = append(f.requests, req)
	f.mu.Unlock()
	rep := f.reply(req)
	select {
	case <-time.After(rep.delay):
	case <-r.Context().Done():
		return
	}
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	if rep.status != 0 && rep.status != http.StatusOK {
		w.WriteHeader(rep.status)
		f.writeError(w, req, rep.status)
		return
	}
	if rep.vectors == nil {
		for _, in := range req.Input {
			rep.vectors = append(rep.vectors, fakeVector(in, f.dim))
		}
	}
	f.writeVectors(w, req, rep)
}

func (f *fakeServer) writeError(w http.ResponseWriter, req fakeRequest, status int) {
	msg := fmt.Sprintf("fake error %d", status)
	if req.Path == "/api/embed" {
		_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"message": msg, "type": "invalid_request_error", "param": nil, "code": nil,
	}})
}

func (f *fakeServer) writeVectors(w http.ResponseWriter, req fakeRequest, rep fakeReply) {
	if req.Path == "/api/embed" {
		_ = json.NewEncoder(w).Encode(map[string]any{"model": req.Model, "embeddings": rep.vectors})
		return
	}
	order := rep.order
	if order == nil {
		for i := range rep.vectors {
			order = append(order, i)
		}
	}
	data := make([]map[string]any, 0, len(order))
	for _, i := range order {
		data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": rep.vectors[i]})
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"object": "list", "data": data, "model": req.Model,
		"usage": map[string]int{"prompt_tokens": 3 * len(req.Input), "total_tokens": 3 * len(req.Input)},
	})
}
