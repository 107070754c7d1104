-- name: InsertClassification
INSERT INTO classifications (item_id, intent, topic, urgency, sentiment, sarcasm, risk, severity, language,
                             summary, confidence, prompt_version, prompt_hash, backend, model, latency_ms,
                             prompt_tokens, completion_tokens, model_calls, repaired, inherited_from)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
RETURNING id;

-- name: LatestClassification
SELECT id, item_id, intent, topic, urgency, sentiment, sarcasm, risk, severity, language,
       summary, confidence, prompt_version, prompt_hash, backend, model, latency_ms,
       prompt_tokens, completion_tokens, model_calls, repaired, inherited_from
FROM classifications
WHERE item_id = $1
ORDER BY id DESC
LIMIT 1;
