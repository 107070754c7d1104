-- Drafted replies and their review. An item that deserves a reply gets one
-- draft; nothing is sent unless a reviewer approved it.

ALTER TABLE items DROP CONSTRAINT items_state_check;
ALTER TABLE items ADD CONSTRAINT items_state_check CHECK (state IN (
    'received', 'classified', 'duplicate', 'filtered', 'needs_human',
    'pending_review', -- a draft waits for a reviewer
    'approved',       -- a reviewer approved the reply; the send job delivers it
    'replied',        -- the reply was delivered
    'closed'          -- handled without a reply (the draft was rejected)
));

CREATE TABLE drafts (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id        bigint      NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    state          text        NOT NULL DEFAULT 'pending_review' CHECK (state IN (
                       'pending_review', 'approved', 'edited', 'rejected', 'sent', 'send_failed')),
    -- Optimistic concurrency: every review action names the version it saw.
    version        integer     NOT NULL DEFAULT 1,

    -- What the model (or the extractive fallback) wrote, and what it used.
    body           text        NOT NULL,
    passages       jsonb       NOT NULL DEFAULT '[]', -- retrieved passages, as shown to the reviewer
    citations      jsonb       NOT NULL DEFAULT '[]', -- chunk ids the draft cites
    flags          jsonb       NOT NULL DEFAULT '[]', -- [{code, message}] for the reviewer
    extractive     boolean     NOT NULL,
    prompt_version text        NOT NULL DEFAULT '',
    prompt_hash    text        NOT NULL DEFAULT '',
    backend        text        NOT NULL,
    model          text        NOT NULL,

    -- The review.
    assignee       text        NOT NULL DEFAULT '',
    reviewer       text        NOT NULL DEFAULT '',
    final_body     text,                              -- what was approved, edited or not
    reject_reason  text        NOT NULL DEFAULT '',
    reviewed_at    timestamptz,

    -- Delivery.
    sent_at        timestamptz,
    send_error     text        NOT NULL DEFAULT '',

    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT drafts_item_id_key UNIQUE (item_id)
);

CREATE INDEX drafts_state_idx ON drafts (state, created_at);

-- The audit trail: every action on a draft, with the text before and after.
CREATE TABLE draft_events (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    draft_id      bigint      NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    action        text        NOT NULL, -- created, approved, edited, rejected, reassigned, sent, send_failed
    actor         text        NOT NULL,
    from_state    text,
    to_state      text        NOT NULL,
    before_body   text        NOT NULL DEFAULT '',
    after_body    text        NOT NULL DEFAULT '',
    edit_distance integer     NOT NULL DEFAULT 0,
    reason        text        NOT NULL DEFAULT '',
    at            timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX draft_events_draft_id_idx ON draft_events (draft_id, id);
