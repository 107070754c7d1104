UPDATE items SET state = 'classified' WHERE state = 'filtered';
ALTER TABLE items DROP CONSTRAINT items_state_check;
ALTER TABLE items ADD CONSTRAINT items_state_check
    CHECK (state IN ('received', 'classified', 'duplicate', 'needs_human'));
