DROP TABLE incidents;
ALTER TABLE items DROP CONSTRAINT items_cluster_id_fkey;
DROP TABLE clusters;
DROP TABLE item_embeddings;
DROP TABLE qa_reviews;
ALTER TABLE classifications DROP COLUMN inherited_from;
ALTER TABLE items DROP COLUMN team, DROP COLUMN priority, DROP COLUMN routing_rule, DROP COLUMN sla_due_at,
    DROP COLUMN sla_breached_at, DROP COLUMN cluster_id;
UPDATE items SET state = 'closed' WHERE state = 'auto_closed';
ALTER TABLE items DROP CONSTRAINT items_state_check;
ALTER TABLE items ADD CONSTRAINT items_state_check CHECK (state IN (
    'received', 'classified', 'duplicate', 'filtered', 'needs_human',
    'pending_review', 'approved', 'replied', 'closed'));
