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
