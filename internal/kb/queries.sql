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

-- name: FullTextSearch
-- An OR-query of the question's terms, ranked by cover density.
WITH q AS (SELECT replace(plainto_tsquery('english', $1)::text, ' & ', ' | ')::tsquery AS q)
SELECT c.id, ts_rank_cd(c.tsv, q.q) AS rank
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
