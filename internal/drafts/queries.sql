-- name: InsertDraft
INSERT INTO drafts (item_id, body, passages, citations, flags, extractive, prompt_version, prompt_hash, backend, model,
                    created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
RETURNING id;

-- name: InsertEvent
INSERT INTO draft_events (draft_id, action, actor, from_state, to_state, before_body, after_body, edit_distance, reason, at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- name: SelectDraft
SELECT id, item_id, state, version, body, passages, citations, flags, extractive, prompt_version, prompt_hash,
       backend, model, assignee, reviewer, final_body, reject_reason, reviewed_at, sent_at, send_error,
       created_at, updated_at
FROM drafts
WHERE id = $1;

-- name: SelectDraftForUpdate
SELECT id, item_id, state, version, body, passages, citations, flags, extractive, prompt_version, prompt_hash,
       backend, model, assignee, reviewer, final_body, reject_reason, reviewed_at, sent_at, send_error,
       created_at, updated_at
FROM drafts
WHERE id = $1
FOR UPDATE;

-- name: DraftIDByItem
SELECT id FROM drafts WHERE item_id = $1;

-- name: UpdateReview
-- Applies a review action if the draft is still at the version the
-- reviewer saw; returns no row otherwise.
UPDATE drafts
SET state = $3, version = version + 1, final_body = $4, reviewer = $5, reject_reason = $6, assignee = $7,
    reviewed_at = CASE WHEN $3 IN ('approved', 'edited', 'rejected') THEN $8 ELSE reviewed_at END,
    updated_at = $8
WHERE id = $1 AND version = $2 AND state = 'pending_review'
RETURNING version;

-- name: UpdateSent
UPDATE drafts
SET state = $2, sent_at = $3, send_error = $4, version = version + 1, updated_at = $3
WHERE id = $1 AND state IN ('approved', 'edited')
RETURNING version;

-- name: ListEvents
SELECT id, draft_id, action, actor, from_state, to_state, before_body, after_body, edit_distance, reason, at
FROM draft_events
WHERE draft_id = $1
ORDER BY id;

-- name: Queue
-- Drafts waiting for review with their item's labels and deadline: by SLA
-- deadline ($10), or most urgent first; then oldest first.
SELECT d.id, d.item_id, d.state, d.version, d.assignee, d.flags, d.created_at,
       i.channel, i.author, i.text, i.received_at, coalesce(i.team, ''), coalesce(i.priority, ''), i.sla_due_at, i.cluster_id,
       c.intent, c.risk, c.severity, c.urgency, c.sarcasm, c.topic, c.summary
FROM drafts d
JOIN items i ON i.id = d.item_id
JOIN LATERAL (SELECT * FROM classifications WHERE item_id = d.item_id ORDER BY id DESC LIMIT 1) c ON true
WHERE d.state = $1
  AND ($2 = '' OR i.channel = $2)
  AND ($3 = '' OR c.intent = $3)
  AND ($4 = '' OR c.risk = $4)
  AND ($5 = '' OR d.assignee = $5)
  AND i.received_at <= $6
  AND ($9 = 0 OR i.cluster_id = $9)
ORDER BY CASE WHEN $10 THEN coalesce(i.sla_due_at, 'infinity') END,
         CASE c.urgency WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END,
         i.received_at, d.id
LIMIT $7 OFFSET $8;

-- name: QueueCount
SELECT count(*) FROM drafts WHERE state = 'pending_review';

-- name: ReviewStats
-- Per prompt version (or offline writer): how reviewers treated drafts,
-- and how much they changed the ones they edited.
SELECT coalesce(nullif(d.prompt_version, ''), d.model) AS version,
       count(*) AS drafts,
       count(*) FILTER (WHERE d.state = 'pending_review') AS pending,
       count(*) FILTER (WHERE d.state IN ('approved', 'sent', 'send_failed') AND d.final_body = d.body) AS approved_as_is,
       count(*) FILTER (WHERE d.state = 'edited' OR (d.final_body IS NOT NULL AND d.final_body <> d.body)) AS edited,
       count(*) FILTER (WHERE d.state = 'rejected') AS rejected,
       coalesce(avg(e.edit_distance), 0)::float8 AS mean_edit_distance,
       coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY e.edit_distance), 0)::float8 AS median_edit_distance
FROM drafts d
LEFT JOIN draft_events e ON e.draft_id = d.id AND e.action = 'edited'
GROUP BY 1
ORDER BY 1;

-- name: InsertApprovedDraft
-- A reply a reviewer wrote for an item directly (an incident's reply to
-- every member): approved as it is created.
INSERT INTO drafts (item_id, state, body, final_body, extractive, backend, model, reviewer, reviewed_at, created_at, updated_at)
VALUES ($1, 'edited', $2, $2, false, 'human', 'reviewer', $3, $4, $4, $4)
ON CONFLICT (item_id) DO NOTHING
RETURNING id;

-- name: WithdrawDrafts
UPDATE drafts
SET state = 'rejected', version = version + 1, reviewer = $2, reject_reason = $3, reviewed_at = $4, updated_at = $4
WHERE item_id = ANY($1) AND state = 'pending_review'
RETURNING id;
