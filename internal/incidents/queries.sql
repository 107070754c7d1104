-- name: ListIncidents
SELECT n.id, n.cluster_id, n.title, n.team, n.priority, n.state, n.opened_at, n.closed_at, n.closed_by, n.reason,
       c.size, c.channel_family, c.last_item_at,
       (SELECT count(*) FROM items i WHERE i.cluster_id = n.cluster_id AND i.received_at >= $2) AS recent
FROM incidents n
JOIN clusters c ON c.id = n.cluster_id
WHERE $1 = '' OR n.state = $1
ORDER BY n.state = 'open' DESC, n.opened_at DESC
LIMIT 200;

-- name: GetIncident
SELECT n.id, n.cluster_id, n.title, n.team, n.priority, n.state, n.opened_at, n.closed_at, n.closed_by, n.reason,
       c.size, c.channel_family, c.last_item_at,
       (SELECT count(*) FROM items i WHERE i.cluster_id = n.cluster_id AND i.received_at >= $2) AS recent
FROM incidents n
JOIN clusters c ON c.id = n.cluster_id
WHERE n.id = $1;

-- name: LockIncident
SELECT cluster_id, state FROM incidents WHERE id = $1 FOR UPDATE;

-- name: Members
SELECT id, channel, author, state, received_at, left(text, 280)
FROM items
WHERE cluster_id = $1
ORDER BY id;

-- name: CloseIncident
UPDATE incidents SET state = 'closed', closed_at = $2, closed_by = $3, reason = $4 WHERE id = $1;

-- name: OpenMembers
SELECT id, state FROM items
WHERE cluster_id = $1 AND state IN ('received', 'classified', 'pending_review', 'needs_human')
ORDER BY id;
