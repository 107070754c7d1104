-- name: StrandedItems
-- Items still waiting for triage that have no live triage job: their job was
-- discarded (for instance while the database was unreachable).
SELECT i.id
FROM items i
WHERE i.state = 'received'
  AND i.received_at < $1
  AND NOT EXISTS (
      SELECT 1
      FROM river_job j
      WHERE j.kind = 'triage'
        AND j.state IN ('available', 'pending', 'retryable', 'running', 'scheduled')
        AND j.args @> jsonb_build_object('item_id', i.id)
  )
ORDER BY i.id
LIMIT $2;

-- name: ReviewedDraft
SELECT EXISTS (
    SELECT 1 FROM drafts d JOIN items i ON i.id = d.item_id
    WHERE i.channel = $1 AND i.external_id = $2 AND d.state <> 'pending_review'
);

-- name: DeletePendingDraft
-- A draft written for text that has since been edited: never reviewed, it
-- goes, so that the edited text gets its own.
DELETE FROM drafts WHERE item_id = $1 AND state = 'pending_review';

-- name: WithdrawPendingDraft
-- The message was deleted on its platform: its draft leaves the queue.
WITH w AS (
    UPDATE drafts
    SET state = 'rejected', version = version + 1, reviewer = 'channel', reject_reason = 'deleted on its platform',
        reviewed_at = now(), updated_at = now()
    WHERE item_id = $1 AND state = 'pending_review'
    RETURNING id
)
INSERT INTO draft_events (draft_id, action, actor, from_state, to_state, reason, at)
SELECT id, 'withdrawn', 'channel', 'pending_review', 'rejected', 'deleted on its platform', now() FROM w;
