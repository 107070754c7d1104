-- Queries of the items store. Each statement is named by the line before it.

-- name: InsertItems
-- Inserts the new items of a batch and their first event in one statement;
-- rows whose (channel, external_id) already exists are skipped.
WITH input AS (
    SELECT *
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                $7::text[], $8::text[], $9::bytea[], $10::timestamptz[])
        AS t (channel, external_id, author, url, thread_id, parent_id, metadata, text, text_hash, created_at)
), inserted AS (
    INSERT INTO items (channel, external_id, author, url, thread_id, parent_id, metadata, text, text_hash,
                       created_at, received_at, updated_at)
    SELECT channel, external_id, author, url, thread_id, parent_id, metadata::jsonb, text, text_hash,
           created_at, $11, $11
    FROM input
    ON CONFLICT (channel, external_id) DO NOTHING
    RETURNING id, channel, external_id
), events AS (
    INSERT INTO item_events (item_id, from_state, to_state, actor, at)
    SELECT id, NULL, 'received', $12, $11 FROM inserted
)
SELECT id, channel, external_id FROM inserted;

-- name: LookupByKeys
SELECT id, channel, external_id, state
FROM items
WHERE (channel, external_id) IN (SELECT * FROM unnest($1::text[], $2::text[]));

-- name: GetItem
SELECT id, channel, external_id, author, url, thread_id, parent_id, metadata, text,
       state, state_reason, duplicate_of,
       coalesce(team, ''), coalesce(priority, ''), coalesce(routing_rule, ''), sla_due_at, sla_breached_at, cluster_id,
       created_at, received_at, updated_at
FROM items
WHERE id = $1;

-- name: Thread
-- The items of a thread on a channel (its root has the thread's id as its
-- external id), oldest first.
SELECT id, channel, external_id, author, url, thread_id, parent_id, metadata, text,
       state, state_reason, duplicate_of,
       coalesce(team, ''), coalesce(priority, ''), coalesce(routing_rule, ''), sla_due_at, sla_breached_at, cluster_id,
       created_at, received_at, updated_at
FROM items
WHERE channel = $1 AND (thread_id = $2 OR external_id = $2)
ORDER BY created_at, id
LIMIT $3;

-- name: ListEvents
SELECT id, item_id, from_state, to_state, reason, actor, detail, at
FROM item_events
WHERE item_id = $1
ORDER BY id;

-- name: Transition
-- Moves an item from an expected state to another and records the event;
-- returns no row when the item is not in the expected state.
WITH updated AS (
    UPDATE items
    SET state = $3, state_reason = $4, duplicate_of = coalesce($5, duplicate_of), updated_at = $7
    WHERE id = $1 AND state = $2
    RETURNING id
)
INSERT INTO item_events (item_id, from_state, to_state, reason, actor, detail, at)
SELECT id, $2, $3, $4, $6, $8, $7 FROM updated
RETURNING id;

-- name: FindDuplicate
-- The earliest item of the same channel with the same normalized text
-- received within the window, resolved to the item it duplicates if any.
SELECT coalesce(o.duplicate_of, o.id)
FROM items i
JOIN items o ON o.text_hash = i.text_hash AND o.channel = i.channel AND o.id < i.id
WHERE i.id = $1 AND o.received_at >= $2
ORDER BY o.id
LIMIT 1;

-- name: CountByState
SELECT state, count(*) FROM items GROUP BY state;

-- name: Annotate
-- An event that records something about an item without changing its
-- state (routed, SLA breached...).
INSERT INTO item_events (item_id, from_state, to_state, reason, actor, detail, at)
SELECT id, state, state, $2, $3, $4, $5 FROM items WHERE id = $1
RETURNING id;

-- name: LockByExternalID
SELECT id, state, text_hash FROM items WHERE channel = $1 AND external_id = $2 FOR UPDATE;

-- name: UpdateText
-- An edited message: the new text and what came with it; routing and the
-- cluster go, since they were decided on the old text.
UPDATE items
SET text = $2, text_hash = $3, metadata = metadata || $4::jsonb, url = coalesce(nullif($5, ''), url), updated_at = $6,
    team = CASE WHEN $7 THEN NULL ELSE team END,
    priority = CASE WHEN $7 THEN NULL ELSE priority END,
    routing_rule = CASE WHEN $7 THEN NULL ELSE routing_rule END,
    cluster_id = CASE WHEN $7 THEN NULL ELSE cluster_id END
WHERE id = $1;

-- name: ParentText
SELECT left(text, $3) FROM items WHERE channel = $1 AND external_id = $2;
