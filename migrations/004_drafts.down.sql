DROP TABLE draft_events;
DROP TABLE drafts;
UPDATE items SET state = 'classified' WHERE state IN ('pending_review', 'approved', 'replied', 'closed');
ALTER TABLE items DROP CONSTRAINT items_state_check;
ALTER TABLE items ADD CONSTRAINT items_state_check
    CHECK (state IN ('received', 'classified', 'duplicate', 'filtered', 'needs_human'));
