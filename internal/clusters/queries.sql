-- name: StoreEmbedding
INSERT INTO item_embeddings (item_id, model, channel_family, received_at, embedding, sketch)
VALUES ($1, $2, $3, $4, $5::vector, $6::halfvec(256))
ON CONFLICT (item_id) DO UPDATE SET model = excluded.model, embedding = excluded.embedding, sketch = excluded.sketch;

-- name: Nearest
-- The nearest recent items of a family embedded with a model, proposed by
-- the family's HNSW index over sketches, with their exact cosine
-- similarity and state. A format: %[1]s is the family, a literal so that
-- every plan can use the family's partial index. The CTE is materialized
-- so that the filters run on the index's order (pgvector's iterative scan
-- reads on while rows fail them).
WITH near AS MATERIALIZED (
    SELECT e.item_id, e.embedding
    FROM item_embeddings e
    WHERE e.channel_family = '%[1]s' AND e.received_at >= $2 AND e.item_id <> $3 AND e.model = $6
    ORDER BY e.sketch <=> $1::halfvec(256)
    LIMIT $4
)
SELECT n.item_id, 1 - (n.embedding <=> $5::vector) AS similarity, i.state
FROM near n
JOIN items i ON i.id = n.item_id
ORDER BY similarity DESC, n.item_id;

-- name: Prune
-- Deletes a batch of vectors received before $1: out of every window.
DELETE FROM item_embeddings
WHERE item_id IN (SELECT item_id FROM item_embeddings WHERE received_at < $1 LIMIT $2);

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
