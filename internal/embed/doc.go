// Package embed turns texts into vectors for the knowledge base's vector
// search, behind one interface, Embedder, with three implementations:
//
//   - OpenAI: any OpenAI-compatible embeddings API (OpenAI, Azure, vLLM,
//     llama.cpp server), through github.com/sashabaranov/go-openai;
//   - Ollama: an Ollama server's /api/embed, through its api package;
//   - Local: an offline embedder with nothing to download and no state:
//     hashed word and character n-gram features, plus, when the GloVe
//     vectors are installed (install-glove.sh), a weighted average of word
//     vectors.
//
// Every vector is L2-normalized, so cosine similarity is a dot product and
// scores from one model are comparable across queries. Each embedder's
// Model names its vector space: vectors of different Model values must
// never be compared, and a change of Model means re-embedding.
//
// Remote errors are *llm.Error with internal/llm's kinds, so callers retry
// the same way as for chat: llm.ErrRateLimited (with llm.RetryAfter),
// llm.ErrTimeout and llm.ErrUnavailable are worth retrying (llm.Temporary);
// llm.ErrRejected is not (bad key, unknown model, blank text, vectors of
// the wrong dimension).
//
// # Local's design and quality
//
// Measured on StackFAQ (125 FAQ entries embedded as question and answers,
// 625 paraphrased questions, cosine top-k, vector search alone):
// hashed features only ("local-hash-v1-1024") recall@5 0.914, MRR 0.777;
// with GloVe ("local-glove-v1-1124-...") recall@5 0.923, MRR 0.792.
// stackfaq_test.go asserts floors just below.
//
// Dimensions: "local-hash-v1-1024" is 1024; "local-glove-v1-1124-<sum>" is
// 1124 (1024 hashed + 100 GloVe; the checksum names the vectors file, so
// another file is another model); remote models have their own (OpenAI's
// text-embedding-3-large is 3072, past pgvector's 2000-dimension HNSW
// limit for vector: ask for Dimensions <= 2000).
//
// Weights stand in for IDF without learning anything from the indexed
// documents: a word's weight is its smooth inverse frequency a/(a+p(w)),
// with p(w) from the word's rank in GloVe's vocabulary by Zipf's law. On
// StackFAQ this measured as well as IDF fitted on the documents, and it
// keeps Model stable: importing more articles never forces re-embedding.
package embed
