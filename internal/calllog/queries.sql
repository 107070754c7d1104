-- name: InsertCall
INSERT INTO model_calls (item_id, task, backend, model, prompt_version, request, response,
                         prompt_tokens, completion_tokens, latency_ms, outcome, error)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: SumCalls
SELECT outcome, count(*), coalesce(sum(prompt_tokens), 0), coalesce(sum(completion_tokens), 0)
FROM model_calls
WHERE created_at >= $1
GROUP BY outcome;
