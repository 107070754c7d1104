-- Live counters for /metrics. Triggers keep them in the transaction of the
-- row they count, so a scrape reads a few hundred rows and never scans the
-- history; the history stays the reference they are recomputed from
-- (internal/metrics: Service.Recount compares, Service.Rebuild resets).
--
-- The counter tables are append-only logs of deltas. A trigger inserts one
-- row per key its statement changed and never updates a row, so writers
-- never wait on each other's counter rows: an upsert into shared rows would
-- hold a row lock until commit, queueing every writer of a key behind the
-- slowest, and two transactions counting the same keys in opposite orders
-- (an annotation then a transition, and the reverse) would deadlock.
-- Readers sum the rows of a key; compaction (Service.Compact, run on every
-- scrape) replaces a table's rows by one per key in a single statement.
--
-- Counters of events and model calls only grow, as Prometheus counters
-- must. When history rows are deleted (an item with its events, old model
-- calls), what they had counted is tallied apart, in rows with
-- deleted = true, so that the history plus these tallies recomputes the
-- counters exactly. item_state_counts is a gauge: it follows inserts,
-- updates and deletes of items.
--
-- Not counted: TRUNCATE, and updates of item_events or model_calls rows
-- (both tables are append-only history). After either, Service.Rebuild.

-- Take the tables whose writes are counted before anything else, in one
-- order, so a running writer makes the migration wait instead of
-- deadlocking with it; writers then wait until the counters exist and hold
-- the existing history.
LOCK TABLE items, item_events, model_calls IN SHARE ROW EXCLUSIVE MODE;

-- What an item_events row counts as: a transition (from_state distinct from
-- to_state, including the first event, from NULL) named by the state
-- entered, or an annotation (from_state = to_state) named by
-- detail->>'event', or 'annotation' when unnamed.
CREATE FUNCTION item_event_key(from_state text, to_state text, detail jsonb, OUT kind text, OUT name text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN from_state IS DISTINCT FROM to_state THEN 'transition' ELSE 'annotation' END,
           CASE WHEN from_state IS DISTINCT FROM to_state THEN to_state
                ELSE coalesce(nullif(detail->>'event', ''), 'annotation') END
$$;

-- item_events per kind, name and the item's channel.
CREATE TABLE item_event_counts (
    kind    text    NOT NULL CHECK (kind IN ('transition', 'annotation')),
    name    text    NOT NULL, -- the state entered, or the annotation's event
    channel text    NOT NULL,
    deleted boolean NOT NULL, -- false: events recorded; true: those since deleted
    n       bigint  NOT NULL
);

-- Items per current state and channel (deltas: +1 entering, -1 leaving).
CREATE TABLE item_state_counts (
    state   text   NOT NULL,
    channel text   NOT NULL,
    n       bigint NOT NULL
);

-- Model calls and their tokens per backend and outcome.
CREATE TABLE model_call_counts (
    backend           text    NOT NULL,
    outcome           text    NOT NULL,
    deleted           boolean NOT NULL, -- false: calls recorded; true: those since deleted
    calls             bigint  NOT NULL,
    prompt_tokens     bigint  NOT NULL,
    completion_tokens bigint  NOT NULL
);

-- Inserted events are counted. A deleted event is tallied here when its
-- item still exists (a direct delete); when the item itself is deleted,
-- the cascade finds no item to join and items_count_deleted_events has
-- tallied the events already, with the item's channel.
CREATE FUNCTION count_item_events() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO item_event_counts (kind, name, channel, deleted, n)
        SELECT k.kind, k.name, i.channel, false, count(*)
        FROM new_events e
        JOIN items i ON i.id = e.item_id
        CROSS JOIN LATERAL item_event_key(e.from_state, e.to_state, e.detail) k
        GROUP BY k.kind, k.name, i.channel;
    ELSE
        INSERT INTO item_event_counts (kind, name, channel, deleted, n)
        SELECT k.kind, k.name, i.channel, true, count(*)
        FROM old_events e
        JOIN items i ON i.id = e.item_id
        CROSS JOIN LATERAL item_event_key(e.from_state, e.to_state, e.detail) k
        GROUP BY k.kind, k.name, i.channel;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER item_events_count_insert AFTER INSERT ON item_events
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION count_item_events();
CREATE TRIGGER item_events_count_delete AFTER DELETE ON item_events
    REFERENCING OLD TABLE AS old_events
    FOR EACH STATEMENT EXECUTE FUNCTION count_item_events();

-- Before an item is deleted (its row locked, so no event can be added to
-- it any more), tally the events the cascade is about to delete.
CREATE FUNCTION count_deleted_item_events() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO item_event_counts (kind, name, channel, deleted, n)
    SELECT k.kind, k.name, OLD.channel, true, count(*)
    FROM item_events e
    CROSS JOIN LATERAL item_event_key(e.from_state, e.to_state, e.detail) k
    WHERE e.item_id = OLD.id
    GROUP BY k.kind, k.name;
    RETURN OLD;
END
$$;

CREATE TRIGGER items_count_deleted_events BEFORE DELETE ON items
    FOR EACH ROW EXECUTE FUNCTION count_deleted_item_events();

-- One function for the three item triggers: an insert adds its rows, a
-- delete takes its rows back, an update takes back the old rows and adds
-- the new ones, keeping only the keys whose count moved.
CREATE FUNCTION count_item_states() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO item_state_counts (state, channel, n)
        SELECT state, channel, count(*) FROM new_items GROUP BY state, channel;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO item_state_counts (state, channel, n)
        SELECT state, channel, -count(*) FROM old_items GROUP BY state, channel;
    ELSE
        INSERT INTO item_state_counts (state, channel, n)
        SELECT d.state, d.channel, sum(d.n)
        FROM (
            SELECT state, channel, -1 AS n FROM old_items
            UNION ALL
            SELECT state, channel, 1 FROM new_items
        ) d
        GROUP BY d.state, d.channel
        HAVING sum(d.n) <> 0;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER items_count_insert AFTER INSERT ON items
    REFERENCING NEW TABLE AS new_items
    FOR EACH STATEMENT EXECUTE FUNCTION count_item_states();
CREATE TRIGGER items_count_update AFTER UPDATE ON items
    REFERENCING OLD TABLE AS old_items NEW TABLE AS new_items
    FOR EACH STATEMENT EXECUTE FUNCTION count_item_states();
CREATE TRIGGER items_count_delete AFTER DELETE ON items
    REFERENCING OLD TABLE AS old_items
    FOR EACH STATEMENT EXECUTE FUNCTION count_item_states();

CREATE FUNCTION count_model_calls() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO model_call_counts (backend, outcome, deleted, calls, prompt_tokens, completion_tokens)
        SELECT backend, outcome, false, count(*), sum(prompt_tokens), sum(completion_tokens)
        FROM new_calls
        GROUP BY backend, outcome;
    ELSE
        INSERT INTO model_call_counts (backend, outcome, deleted, calls, prompt_tokens, completion_tokens)
        SELECT backend, outcome, true, count(*), sum(prompt_tokens), sum(completion_tokens)
        FROM old_calls
        GROUP BY backend, outcome;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER model_calls_count_insert AFTER INSERT ON model_calls
    REFERENCING NEW TABLE AS new_calls
    FOR EACH STATEMENT EXECUTE FUNCTION count_model_calls();
CREATE TRIGGER model_calls_count_delete AFTER DELETE ON model_calls
    REFERENCING OLD TABLE AS old_calls
    FOR EACH STATEMENT EXECUTE FUNCTION count_model_calls();

-- Start from the history already there; the lock taken above keeps writers
-- out until this commits, so nothing is counted twice or missed.
INSERT INTO item_event_counts (kind, name, channel, deleted, n)
SELECT k.kind, k.name, i.channel, false, count(*)
FROM item_events e
JOIN items i ON i.id = e.item_id
CROSS JOIN LATERAL item_event_key(e.from_state, e.to_state, e.detail) k
GROUP BY k.kind, k.name, i.channel;

INSERT INTO item_state_counts (state, channel, n)
SELECT state, channel, count(*) FROM items GROUP BY state, channel;

INSERT INTO model_call_counts (backend, outcome, deleted, calls, prompt_tokens, completion_tokens)
SELECT backend, outcome, false, count(*), sum(prompt_tokens), sum(completion_tokens)
FROM model_calls
GROUP BY backend, outcome;

-- Reports select items by when they were received.
CREATE INDEX items_received_at_idx ON items (received_at);
