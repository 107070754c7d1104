-- name: StoreEmbedding
INSERT INTO item_embeddings (item_id, model, channel_family, received_at, embedding)
VALUES ($1, $2, $3, $4, $5::vector)
ON CONFLICT (item_id) DO UPDATE SET model = excluded.model, embedding = excluded.embedding;

-- name: Nearest
-- The most similar recent item of the family that has a classification of
-- its own or inherited, other than the item itself.
SELECT e.item_id, 1 - (e.embedding <=> $1::vector) AS similarity
FROM item_embeddings e
JOIN items i ON i.id = e.item_id
WHERE e.model = $2 AND e.channel_family = $3 AND e.received_at >= $4 AND e.item_id <> $5
  AND i.state IN ('classified', 'pending_review', 'approved', 'replied', 'closed', 'auto_closed')
ORDER BY e.embedding <=> $1::vector
LIMIT 1;

-- name: NearestPending
-- The most similar recent item of the family received before the item and
-- still waiting for triage: an origin about to be classified.
SELECT e.item_id, 1 - (e.embedding <=> $1::vector) AS similarity
FROM item_embeddings e
JOIN items i ON i.id = e.item_id
WHERE e.model = $2 AND e.channel_family = $3 AND e.received_at >= $4 AND e.item_id < $5
  AND i.state = 'received'
ORDER BY e.embedding <=> $1::vector
LIMIT 1;

-- name: ClusterOf
-- Locks the origin until the join commits, so that near-duplicates of one
-- origin joining at once create one cluster, not one each.
SELECT cluster_id FROM items WHERE id = $1 FOR UPDATE;

-- name: NewCluster
INSERT INTO clusters (channel_family, first_item_id, size, created_at, last_item_at)
VALUES ($1, $2, 1, $3, $3)
RETURNING id;

-- name: SetCluster
UPDATE items SET cluster_id = $2 WHERE id = $1;

-- name: GrowCluster
UPDATE clusters SET size = size + 1, last_item_at = greatest(last_item_at, $2)
WHERE id = $1
RETURNING size;

-- name: RecentMembers
SELECT count(*) FROM items WHERE cluster_id = $1 AND received_at >= $2;

-- name: IncidentOf
SELECT id, state FROM incidents WHERE cluster_id = $1;

-- name: OpenIncident
INSERT INTO incidents (cluster_id, title, team, priority, opened_at)
SELECT $1, coalesce(c.summary, left(i.text, 200)), coalesce(i.team, $3), coalesce(i.priority, $4), $2
FROM clusters cl
JOIN items i ON i.id = cl.first_item_id
LEFT JOIN LATERAL (SELECT summary FROM classifications WHERE item_id = i.id ORDER BY id DESC LIMIT 1) c ON true
WHERE cl.id = $1
ON CONFLICT (cluster_id) DO NOTHING
RETURNING id;
