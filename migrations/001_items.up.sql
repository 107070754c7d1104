-- Items, their state history, classifications and the model call log.

CREATE TABLE items (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,

    -- Where it came from. (channel, external_id) is the idempotency key.
    channel      text        NOT NULL,
    external_id  text        NOT NULL,
    author       text        NOT NULL DEFAULT '',
    url          text        NOT NULL DEFAULT '',
    thread_id    text        NOT NULL DEFAULT '',
    parent_id    text        NOT NULL DEFAULT '',
    metadata     jsonb       NOT NULL DEFAULT '{}',

    -- What it says. text_hash is the SHA-256 of the normalized text, the
    -- key of exact-duplicate detection.
    text         text        NOT NULL,
    text_hash    bytea       NOT NULL,

    -- Where it stands. Every change of state is a row in item_events.
    state        text        NOT NULL DEFAULT 'received',
    state_reason text        NOT NULL DEFAULT '',
    duplicate_of bigint      REFERENCES items (id),

    created_at   timestamptz NOT NULL, -- when it was posted on its channel
    received_at  timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT items_channel_external_id_key UNIQUE (channel, external_id),
    CONSTRAINT items_state_check CHECK (state IN ('received', 'classified', 'duplicate', 'needs_human'))
);

CREATE INDEX items_text_hash_idx ON items (text_hash, received_at);
CREATE INDEX items_state_idx ON items (state, received_at);

CREATE TABLE item_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id    bigint      NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    from_state text,
    to_state   text        NOT NULL,
    reason     text        NOT NULL DEFAULT '',
    actor      text        NOT NULL,
    detail     jsonb       NOT NULL DEFAULT '{}',
    at         timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX item_events_item_id_idx ON item_events (item_id, id);

CREATE TABLE classifications (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id           bigint      NOT NULL REFERENCES items (id) ON DELETE CASCADE,

    intent            text        NOT NULL,
    topic             text        NOT NULL,
    urgency           text        NOT NULL,
    sentiment         text        NOT NULL,
    sarcasm           boolean     NOT NULL,
    risk              text        NOT NULL,
    severity          text        NOT NULL,
    language          text        NOT NULL,
    summary           text        NOT NULL,
    confidence        jsonb       NOT NULL,

    -- How it was produced.
    prompt_version    text        NOT NULL,
    prompt_hash       text        NOT NULL,
    backend           text        NOT NULL,
    model             text        NOT NULL,
    latency_ms        integer     NOT NULL,
    prompt_tokens     integer     NOT NULL,
    completion_tokens integer     NOT NULL,
    model_calls       integer     NOT NULL,
    repaired          boolean     NOT NULL DEFAULT false,

    created_at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX classifications_item_id_idx ON classifications (item_id, id DESC);

CREATE TABLE model_calls (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id           bigint REFERENCES items (id) ON DELETE SET NULL,
    task              text        NOT NULL,
    backend           text        NOT NULL,
    model             text        NOT NULL,
    prompt_version    text        NOT NULL DEFAULT '',
    request           jsonb       NOT NULL,
    response          text        NOT NULL DEFAULT '',
    prompt_tokens     integer     NOT NULL DEFAULT 0,
    completion_tokens integer     NOT NULL DEFAULT 0,
    latency_ms        integer     NOT NULL DEFAULT 0,
    outcome           text        NOT NULL,
    error             text        NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX model_calls_item_id_idx ON model_calls (item_id);
CREATE INDEX model_calls_created_at_idx ON model_calls (created_at);
