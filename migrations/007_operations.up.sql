-- Routing, SLAs, auto-closure with QA sampling, near-duplicate clusters and
-- incidents.

ALTER TABLE items DROP CONSTRAINT items_state_check;
ALTER TABLE items ADD CONSTRAINT items_state_check CHECK (state IN (
    'received', 'classified', 'duplicate', 'filtered', 'needs_human',
    'pending_review', 'approved', 'replied', 'closed',
    'auto_closed'     -- closed by the auto-closure policy, without a reply
));

-- Who owns an item and by when it must be handled; set by routing.
ALTER TABLE items
    ADD COLUMN team            text,
    ADD COLUMN priority        text,
    ADD COLUMN routing_rule    text,
    ADD COLUMN sla_due_at      timestamptz,
    ADD COLUMN sla_breached_at timestamptz,
    ADD COLUMN cluster_id      bigint;

CREATE INDEX items_sla_open_idx ON items (sla_due_at)
    WHERE sla_breached_at IS NULL AND state IN ('classified', 'pending_review', 'approved', 'needs_human');

-- The classification an item inherited from a near-duplicate, if any.
ALTER TABLE classifications ADD COLUMN inherited_from bigint REFERENCES items (id);

-- Auto-closed items sampled for a human check; the verdicts measure the
-- precision of auto-closure.
CREATE TABLE qa_reviews (
    item_id     bigint PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
    closed_by   text        NOT NULL, -- the policy rule, or "prefilter"
    sampled_at  timestamptz NOT NULL DEFAULT now(),
    verdict     text CHECK (verdict IN ('correct', 'incorrect')),
    reviewer    text        NOT NULL DEFAULT '',
    note        text        NOT NULL DEFAULT '',
    reviewed_at timestamptz
);

CREATE INDEX qa_reviews_open_idx ON qa_reviews (sampled_at) WHERE verdict IS NULL;

-- Item vectors, for near-duplicate search among recent items of a channel
-- family.
CREATE TABLE item_embeddings (
    item_id        bigint PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
    model          text        NOT NULL,
    channel_family text        NOT NULL,
    received_at    timestamptz NOT NULL,
    embedding      vector      NOT NULL
);

CREATE INDEX item_embeddings_recent_idx ON item_embeddings (model, channel_family, received_at);

CREATE TABLE clusters (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel_family text        NOT NULL,
    first_item_id  bigint      NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    size           integer     NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_item_at   timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE items ADD CONSTRAINT items_cluster_id_fkey FOREIGN KEY (cluster_id) REFERENCES clusters (id) ON DELETE SET NULL;
CREATE INDEX items_cluster_id_idx ON items (cluster_id) WHERE cluster_id IS NOT NULL;

-- A cluster that grew faster than its baseline: handled as one unit.
CREATE TABLE incidents (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cluster_id bigint      NOT NULL UNIQUE REFERENCES clusters (id) ON DELETE CASCADE,
    title      text        NOT NULL,
    team       text        NOT NULL,
    priority   text        NOT NULL,
    state      text        NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
    opened_at  timestamptz NOT NULL DEFAULT now(),
    closed_at  timestamptz,
    closed_by  text        NOT NULL DEFAULT '',
    reason     text        NOT NULL DEFAULT '',
    notified_at timestamptz -- when its team was told it opened
);
