-- name: Triaged
-- Every item with the classification it acts on: its own, or for a
-- duplicate its original's.
SELECT i.id, i.channel, i.state, i.state_reason, coalesce(i.team, ''), c.intent, c.risk, c.severity, c.sarcasm, c.summary, c.backend
FROM items i
LEFT JOIN LATERAL (
    SELECT intent, risk, severity, sarcasm, summary, backend
    FROM classifications
    WHERE item_id = coalesce(i.duplicate_of, i.id)
    ORDER BY id DESC
    LIMIT 1
) c ON true
ORDER BY i.id;

-- name: ModelCalls
SELECT count(*), coalesce(sum(prompt_tokens + completion_tokens), 0) FROM model_calls;

-- name: Incidents
SELECT count(DISTINCT n.id), count(i.id)
FROM incidents n
LEFT JOIN items i ON i.cluster_id = n.cluster_id;
