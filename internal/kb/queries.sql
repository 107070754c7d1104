-- name: SourceDocuments
SELECT id, content_hash FROM kb_documents WHERE source = $1;

-- name: DocumentHash
SELECT content_hash FROM kb_documents WHERE id = $1;

-- name: UpsertDocument
INSERT INTO kb_documents (id, source, title, url, metadata, content_hash, imported_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
ON CONFLICT (id) DO UPDATE
SET source = excluded.source, title = excluded.title, url = excluded.url, metadata = excluded.metadata,
    content_hash = excluded.content_hash, updated_at = excluded.updated_at;

-- name: DeleteChunks
DELETE FROM kb_chunks WHERE document_id = $1;

-- name: InsertChunks
INSERT INTO kb_chunks (document_id, ord, heading, text)
SELECT $1, ord, heading, text
FROM unnest($2::integer[], $3::text[], $4::text[]) AS t (ord, heading, text);

-- name: DeleteMissing
DELETE FROM kb_documents WHERE source = $1 AND NOT (id = ANY ($2::text[]));

-- name: RegisterModel
INSERT INTO kb_embedding_models (model, dim, state) VALUES ($1, $2, $3)
ON CONFLICT (model) DO NOTHING;

-- name: ModelDim
SELECT dim, state FROM kb_embedding_models WHERE model = $1;

-- name: ChunksWithoutEmbedding
SELECT c.id, c.heading, c.text
FROM kb_chunks c
WHERE NOT EXISTS (SELECT 1 FROM kb_embeddings e WHERE e.model = $1 AND e.chunk_id = c.id)
ORDER BY c.id
LIMIT $2;

-- name: InsertEmbeddings
INSERT INTO kb_embeddings (model, chunk_id, embedding)
SELECT $1, chunk_id, embedding::vector
FROM unnest($2::bigint[], $3::text[]) AS t (chunk_id, embedding)
ON CONFLICT (model, chunk_id) DO UPDATE SET embedding = excluded.embedding;

-- name: ClearTerms
DELETE FROM kb_terms;

-- name: RefreshTerms
INSERT INTO kb_terms (lexeme, ndoc)
SELECT word, ndoc FROM ts_stat('SELECT tsv FROM kb_chunks');

-- name: FullTextSearch
-- Passages sharing at least two of the question's six rarest terms (an OR
-- of every pair of them), or its one term, ranked by ts_rank. Rarest by
-- kb_terms: common words would make the query rank a large part of the
-- knowledge base for little gain, and terms no passage has are left out.
-- $3, when not null, keeps the articles whose metadata contains it.
WITH l AS (
    SELECT w
    FROM (SELECT DISTINCT w FROM unnest(tsvector_to_array(to_tsvector('english', $1))) AS w) words
    JOIN kb_terms t ON t.lexeme = words.w
    ORDER BY t.ndoc, w
    LIMIT 6
), q AS (
    SELECT coalesce(
        (SELECT string_agg(format('(%s & %s)', quote_literal(a.w), quote_literal(b.w)), ' | ') FROM l a JOIN l b ON a.w < b.w),
        (SELECT string_agg(quote_literal(w), ' | ') FROM l),
        '')::tsquery AS q
)
SELECT c.id, ts_rank(c.tsv, q.q) AS rank
FROM kb_chunks c, q
WHERE c.tsv @@ q.q
  AND ($3::jsonb IS NULL OR c.document_id IN (SELECT id FROM kb_documents WHERE metadata @> $3::jsonb))
ORDER BY rank DESC, c.id
LIMIT $2;

-- name: ChunkDetails
SELECT c.id, c.document_id, d.title, d.url, c.heading, c.text
FROM kb_chunks c
JOIN kb_documents d ON d.id = c.document_id
WHERE c.id = ANY ($1::bigint[]);

-- name: Stats
SELECT (SELECT count(*) FROM kb_documents), (SELECT count(*) FROM kb_chunks),
       (SELECT count(*) FROM kb_embeddings WHERE model = $1);

-- name: IndexExists
SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = current_schema() AND c.relname = $1 AND c.relkind = 'i');

-- name: CountWithoutEmbedding
SELECT count(*)
FROM kb_chunks c
WHERE NOT EXISTS (SELECT 1 FROM kb_embeddings e WHERE e.model = $1 AND e.chunk_id = c.id);

-- name: CleanTextIndex
-- Moves the full-text index's pending entries into the index proper.
SELECT gin_clean_pending_list('kb_chunks_tsv_idx'::regclass);
