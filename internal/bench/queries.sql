-- Queries of the benchmark. Each statement is named by the line before it.

-- name: IngestedCounts
-- Items stored, and triage jobs enqueued.
SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM river_job WHERE kind = 'triage');

-- name: EmptyItems
-- A fresh items table (and what hangs off it) for the CopyFrom baseline.
TRUNCATE items, item_events, river_job, item_state_counts, item_event_counts RESTART IDENTITY CASCADE;

-- name: TriageCounts
-- Items stored, those still waiting for triage, those handed to a human.
SELECT count(*), count(*) FILTER (WHERE state = 'received'), count(*) FILTER (WHERE state = 'needs_human')
FROM items;

-- name: LiveJobs
-- Jobs of the item pipeline that are still to run.
SELECT count(*) FROM river_job
WHERE kind IN ('triage', 'dispatch', 'draft') AND state IN ('available', 'pending', 'running', 'retryable', 'scheduled');

-- name: SurgeCounts
-- Classifications inherited from a near-duplicate, prefiltered items,
-- members of an incident, and open incidents.
SELECT (SELECT count(*) FROM classifications WHERE inherited_from IS NOT NULL),
       (SELECT count(*) FROM items WHERE state = 'filtered'),
       (SELECT count(*) FROM items i JOIN incidents n ON n.cluster_id = i.cluster_id),
       (SELECT count(*) FROM incidents WHERE state = 'open');

-- name: ExactNearest
-- The chunks nearest to a vector by exact cosine distance, scanning every
-- vector of the model: what the HNSW index approximates.
SELECT chunk_id FROM kb_embeddings WHERE model = $2 ORDER BY embedding <=> $1::vector LIMIT $3;

-- name: AnalyzeKB
-- Statistics of a freshly built knowledge base, so that searches get the
-- plans they get in production (autovacuum would analyze it later).
ANALYZE kb_documents, kb_chunks, kb_embeddings, kb_terms;
