-- Near-duplicate search by index. Each item vector gets a sketch: a count
-- sketch of the embedding into 256 dimensions (clusters.Sketch), stored
-- in half precision, small enough to stay in the row, and indexed by HNSW
-- per channel family, the filter every search has. The index proposes
-- candidates, the full embedding re-ranks them exactly. Items stored
-- before this migration have no sketch and are no longer searched; they
-- leave the 12-hour window soon enough.
ALTER TABLE item_embeddings ADD COLUMN sketch halfvec(256);

CREATE INDEX item_embeddings_sketch_social_idx ON item_embeddings
    USING hnsw (sketch halfvec_cosine_ops) WITH (m = 8, ef_construction = 32) WHERE channel_family = 'social';
CREATE INDEX item_embeddings_sketch_chat_idx ON item_embeddings
    USING hnsw (sketch halfvec_cosine_ops) WITH (m = 8, ef_construction = 32) WHERE channel_family = 'chat';
CREATE INDEX item_embeddings_sketch_community_idx ON item_embeddings
    USING hnsw (sketch halfvec_cosine_ops) WITH (m = 8, ef_construction = 32) WHERE channel_family = 'community';
CREATE INDEX item_embeddings_sketch_direct_idx ON item_embeddings
    USING hnsw (sketch halfvec_cosine_ops) WITH (m = 8, ef_construction = 32) WHERE channel_family = 'direct';

-- Keep vectors in their row (up to 2,000 dimensions or so) rather than in
-- the TOAST table: the search reads twenty of them, the insert writes one,
-- and a TOASTed vector costs an index lookup and three chunks each way.
ALTER TABLE item_embeddings SET (toast_tuple_target = 8160);

-- Vectors are pruned once out of every window (clusters.PruneWorker).
CREATE INDEX item_embeddings_received_idx ON item_embeddings (received_at);
DROP INDEX item_embeddings_recent_idx;
