package embed_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"

	"github.com/triage-oss/triage/internal/embed"
	"github.com/triage-oss/triage/internal/llm"
)

// An integrator embeds knowledge-base chunks once, as "Title\ntext", stores
// each vector with local.Model(), and at search time embeds the question
// and ranks chunks by cosine, which for unit vectors is the dot product
// (pgvector: ORDER BY embedding <=> $1).
func ExampleNewLocal() {
	local, err := embed.NewLocal(embed.LocalConfig{}) // hashed features only
	if err != nil {
		log.Fatal(err)
	}
	articles := []string{
		"Delete your account\nOpen Settings, then Account, then Delete. Deletion is final after 14 days.",
		"Change your password\nUse Settings, then Security. A reset link is sent by email.",
		"Export your data\nSettings, then Privacy, then Download your data: you get a ZIP archive.",
	}
	ctx := context.Background()
	docs, err := local.Embed(ctx, articles)
	if err != nil {
		log.Fatal(err)
	}
	q, err := local.Embed(ctx, []string{"how can I remove my account for good?"})
	if err != nil {
		log.Fatal(err)
	}
	scores := make([]float32, len(docs))
	for i, d := range docs {
		for k := range d {
			scores[i] += q[0][k] * d[k]
		}
	}
	best := slices.Index(scores, slices.Max(scores))
	fmt.Println(local.Model(), local.Dim())
	fmt.Println(articles[best][:19])
	// Output:
	// local-hash-v1-1024 1024
	// Delete your account
}

// The GloVe word vectors are optional: use them when install-glove.sh has
// installed them, and go on with hashed features otherwise. The model name
// tells the two apart, so their vectors never mix.
func ExampleLoadDefaultWordVectors() {
	wv, err := embed.LoadDefaultWordVectors()
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		log.Fatal(err) // installed but unreadable or corrupt
	}
	local, err := embed.NewLocal(embed.LocalConfig{WordVectors: wv})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(local.Model()) // local-glove-v1-1124-4e27fdc4, or local-hash-v1-1024
}

// Remote embedders fail with *llm.Error, classified like chat calls: a
// worker snoozes on a rate limit, retries what is temporary and gives up on
// the rest.
func ExampleNewOpenAI() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "20")
		http.Error(w, `{"error":{"message":"Rate limit reached","type":"requests"}}`, http.StatusTooManyRequests)
	}))
	defer srv.Close()

	openai, err := embed.NewOpenAI(embed.OpenAIConfig{BaseURL: srv.URL + "/v1", Model: "text-embedding-3-small"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(openai.Model(), openai.Dim())
	_, err = openai.Embed(context.Background(), []string{"How do I delete my account?"})
	wait, limited := llm.RetryAfter(err)
	switch {
	case limited:
		fmt.Println("rate limited: retry in", wait) // river.JobSnooze(wait)
	case llm.Temporary(err):
		fmt.Println("retry later:", err)
	case err != nil:
		fmt.Println("give up:", err)
	}
	// Output:
	// openai/text-embedding-3-small 1536
	// rate limited: retry in 20s
}
