-- Eval runs, for the web UI to list and compare: what was measured, the
-- scores, and every item's outcome.
CREATE TABLE eval_runs (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    set_path       text        NOT NULL,
    set_hash       text        NOT NULL, -- SHA-256 of the set file: runs on different contents never compare silently
    backend        text        NOT NULL,
    model          text        NOT NULL,
    prompt_version text        NOT NULL DEFAULT '',
    prompt_hash    text        NOT NULL DEFAULT '',
    report         jsonb       NOT NULL, -- the run's report: scores, usage, cost, failures, cascade
    started_at     timestamptz NOT NULL,
    duration_ms    bigint      NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX eval_runs_set_idx ON eval_runs (set_path, created_at DESC);

CREATE TABLE eval_outcomes (
    run_id     bigint NOT NULL REFERENCES eval_runs (id) ON DELETE CASCADE,
    item_id    text   NOT NULL,
    text       text   NOT NULL,
    expected   jsonb  NOT NULL,
    predicted  jsonb,
    confidence jsonb,
    error      text   NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, item_id)
);
