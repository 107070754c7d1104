// Package kb is the knowledge base drafts cite: articles imported from
// Markdown, HTML or text files or JSONL, split into passages (chunks) along
// headings and paragraphs with overlap, and searched three ways: by vector
// (pgvector HNSW, cosine, one index per embedding model), by PostgreSQL
// full text (tsvector + GIN, OR-query ranked with ts_rank_cd), and hybrid
// (both fused with reciprocal rank fusion).
//
// Re-importing is idempotent: unchanged articles are left alone, changed
// ones are re-chunked and re-embedded, and articles that disappeared from a
// source are removed. Every vector is stored with the name of the model that
// made it; a model's vectors have their own partial HNSW index, so two
// dimensions never meet in one index, and switching models re-embeds in the
// background while the old vectors keep serving.
package kb
