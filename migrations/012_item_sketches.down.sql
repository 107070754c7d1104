CREATE INDEX item_embeddings_recent_idx ON item_embeddings (model, channel_family, received_at);
DROP INDEX item_embeddings_received_idx;
DROP INDEX item_embeddings_sketch_social_idx;
DROP INDEX item_embeddings_sketch_chat_idx;
DROP INDEX item_embeddings_sketch_community_idx;
DROP INDEX item_embeddings_sketch_direct_idx;
ALTER TABLE item_embeddings DROP COLUMN sketch;
