-- name: SetRoute
UPDATE items
SET team = $2, priority = $3, routing_rule = $4, sla_due_at = $5
WHERE id = $1;

-- name: IncidentOfItem
SELECT n.id, n.team, n.priority, n.opened_at
FROM items i
JOIN incidents n ON n.cluster_id = i.cluster_id AND n.state = 'open'
WHERE i.id = $1;

-- name: SampleQA
INSERT INTO qa_reviews (item_id, closed_by, sampled_at) VALUES ($1, $2, $3)
ON CONFLICT (item_id) DO NOTHING;

-- name: DueForBreach
-- Open items past their deadline not yet flagged, locked so that two
-- scanners never flag one twice.
SELECT id, team, priority, routing_rule, state
FROM items
WHERE sla_due_at < $1 AND sla_breached_at IS NULL
  AND state IN ('classified', 'pending_review', 'approved', 'needs_human')
ORDER BY sla_due_at
LIMIT $2
FOR UPDATE SKIP LOCKED;

-- name: FlagBreach
UPDATE items SET sla_breached_at = $2, priority = $3, sla_due_at = coalesce($4, sla_due_at) WHERE id = $1;

-- name: RouteOfItem
SELECT coalesce(priority, ''), sla_due_at FROM items WHERE id = $1;

-- name: MarkIncidentNotified
-- Claims the incident's "opened" notification, once.
UPDATE incidents SET notified_at = $2 WHERE id = $1 AND notified_at IS NULL RETURNING id;

-- name: QAQueue
SELECT q.item_id, q.closed_by, q.sampled_at, i.channel, i.text, c.intent, c.risk, c.summary, c.confidence
FROM qa_reviews q
JOIN items i ON i.id = q.item_id
LEFT JOIN LATERAL (SELECT * FROM classifications WHERE item_id = q.item_id ORDER BY id DESC LIMIT 1) c ON true
WHERE q.verdict IS NULL
ORDER BY q.sampled_at
LIMIT $1;

-- name: QAVerdict
UPDATE qa_reviews SET verdict = $2, reviewer = $3, note = $4, reviewed_at = $5
WHERE item_id = $1 AND verdict IS NULL
RETURNING item_id;

-- name: QAStats
SELECT count(*) FILTER (WHERE verdict = 'correct'), count(*) FILTER (WHERE verdict = 'incorrect'), count(*) FILTER (WHERE verdict IS NULL)
FROM qa_reviews;
