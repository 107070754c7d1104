-- API tokens for machines, and the audit log of privileged actions.

-- A token authenticates a program (an ingest relay, a dashboard, a bot)
-- to the HTTP API. The program holds "trg_" + 43 random characters; only
-- the SHA-256 is kept. Scopes say which routes it may call.
CREATE TABLE api_tokens (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text        NOT NULL UNIQUE,
    token_hash      bytea       NOT NULL UNIQUE,
    scopes          text[]      NOT NULL CHECK (scopes <@ ARRAY['ingest', 'reviewer', 'ops', 'manager', 'admin'] AND cardinality(scopes) > 0),
    rate_per_minute integer     NOT NULL CHECK (rate_per_minute > 0),
    created_by      text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_used_at    timestamptz,
    revoked_at      timestamptz
);

-- Who did what: every state-changing request of the API and the UI, token
-- and user administration. Append-only for the application.
CREATE TABLE audit_log (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      timestamptz NOT NULL DEFAULT now(),
    actor   text        NOT NULL, -- "token:<name>", "user:<name>", "cli:<os user>"
    action  text        NOT NULL, -- "POST /v1/drafts/{id}/approve", "tokens add"...
    target  text        NOT NULL DEFAULT '',
    status  integer     NOT NULL DEFAULT 0, -- the HTTP status, 0 outside HTTP
    remote  text        NOT NULL DEFAULT '',
    detail  jsonb       NOT NULL DEFAULT '{}'
);

CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, at DESC);
