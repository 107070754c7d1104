-- The knowledge base: articles, their passages (chunks) with full-text
-- vectors, and the chunks' embeddings, one row per (model, chunk).

CREATE TABLE kb_documents (
    id           text PRIMARY KEY,
    source       text        NOT NULL, -- what it was imported from; re-imports of a source remove what it no longer has
    title        text        NOT NULL,
    url          text        NOT NULL DEFAULT '',
    metadata     jsonb       NOT NULL DEFAULT '{}',
    content_hash bytea       NOT NULL,
    imported_at  timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX kb_documents_source_idx ON kb_documents (source);
CREATE INDEX kb_documents_metadata_idx ON kb_documents USING gin (metadata jsonb_path_ops);

CREATE TABLE kb_chunks (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id text    NOT NULL REFERENCES kb_documents (id) ON DELETE CASCADE,
    ord         integer NOT NULL,
    heading     text    NOT NULL,
    text        text    NOT NULL,
    tsv         tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('english', heading), 'A') ||
                    setweight(to_tsvector('english', text), 'B')) STORED,
    CONSTRAINT kb_chunks_document_ord_key UNIQUE (document_id, ord)
);

CREATE INDEX kb_chunks_tsv_idx ON kb_chunks USING gin (tsv);

-- One row per embedding model: its dimension, the embedder's fitted state
-- (if any), and whether every chunk has a vector from it yet.
CREATE TABLE kb_embedding_models (
    model      text PRIMARY KEY,
    dim        integer     NOT NULL CHECK (dim BETWEEN 1 AND 2000),
    state      bytea,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The vector column has no fixed dimension; each model gets a partial HNSW
-- index on embedding::vector(dim) WHERE model = ..., created when the model
-- is registered, so dimensions never mix in one index.
CREATE TABLE kb_embeddings (
    model     text   NOT NULL REFERENCES kb_embedding_models (model) ON DELETE CASCADE,
    chunk_id  bigint NOT NULL REFERENCES kb_chunks (id) ON DELETE CASCADE,
    embedding vector NOT NULL,
    PRIMARY KEY (model, chunk_id)
);

CREATE INDEX kb_embeddings_chunk_id_idx ON kb_embeddings (chunk_id);
