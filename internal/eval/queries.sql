-- name: InsertRun
INSERT INTO eval_runs (set_path, set_hash, backend, model, prompt_version, prompt_hash, report, started_at, duration_ms)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
RETURNING id;

-- name: InsertOutcomes
INSERT INTO eval_outcomes (run_id, item_id, text, expected, predicted, confidence, error)
SELECT $1, item_id, text, expected::jsonb, predicted::jsonb, confidence::jsonb, error
FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
    AS t (item_id, text, expected, predicted, confidence, error);

-- name: GetRun
SELECT report FROM eval_runs WHERE id = $1;

-- name: GetOutcomes
SELECT item_id, text, expected, predicted, confidence, error
FROM eval_outcomes
WHERE run_id = $1
ORDER BY item_id;

-- name: ListRuns
SELECT id, set_path, backend, model, prompt_version, report, created_at
FROM eval_runs
ORDER BY id DESC
LIMIT $1;
