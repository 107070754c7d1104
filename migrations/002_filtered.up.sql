-- Items the local prefilter closes as confident noise or spam, without a
-- model call or a reviewer.
ALTER TABLE items DROP CONSTRAINT items_state_check;
ALTER TABLE items ADD CONSTRAINT items_state_check
    CHECK (state IN ('received', 'classified', 'duplicate', 'filtered', 'needs_human'));
