-- Queries of the metrics service. Each statement is named by the line before it.

-- name: Report
-- One row per group key ($6: day, channel, intent, team or '' for none) and
-- a totals row (total = true), over the items received in [$1, $2) (NULL:
-- unbounded) of channel $3, team $4 and intent $5 ('' for any). Prices are
-- three parallel arrays: model $7, USD per million input $8 and output $9
-- tokens.
WITH item AS (
    SELECT i.id, i.channel, i.state, i.received_at, i.sla_due_at, i.sla_breached_at,
           coalesce(nullif(i.team, ''), 'unrouted') AS team,
           coalesce(nullif(c.intent, ''), 'unclassified') AS intent,
           to_char(i.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day
    FROM items i
    LEFT JOIN LATERAL (
        SELECT intent FROM classifications c WHERE c.item_id = i.id ORDER BY c.id DESC LIMIT 1
    ) c ON true
    WHERE ($1::timestamptz IS NULL OR i.received_at >= $1)
      AND ($2::timestamptz IS NULL OR i.received_at < $2)
      AND ($3::text = '' OR i.channel = $3)
), scoped AS (
    SELECT * FROM item WHERE ($4::text = '' OR team = $4) AND ($5::text = '' OR intent = $5)
), entered AS (
    -- What each item went through: the states it entered, not annotations.
    SELECT e.item_id,
           bool_or(e.to_state = 'auto_closed') AS auto_closed,
           bool_or(e.to_state IN ('filtered', 'duplicate')) AS noise,
           min(e.at) FILTER (WHERE e.to_state = 'replied') AS first_reply
    FROM scoped s
    JOIN item_events e ON e.item_id = s.id
    WHERE e.from_state IS DISTINCT FROM e.to_state
    GROUP BY e.item_id
), price AS (
    SELECT * FROM unnest($7::text[], $8::float8[], $9::float8[]) AS p (model, input, output)
), calls AS (
    SELECT m.item_id,
           count(*) AS calls,
           count(*) FILTER (WHERE p.model IS NULL) AS unpriced,
           sum(m.prompt_tokens) AS prompt_tokens,
           sum(m.completion_tokens) AS completion_tokens,
           coalesce(sum((m.prompt_tokens * p.input + m.completion_tokens * p.output) / 1e6::float8), 0) AS cost
    FROM scoped s
    JOIN model_calls m ON m.item_id = s.id
    LEFT JOIN price p ON p.model = m.model
    GROUP BY m.item_id
), per_item AS (
    SELECT CASE $6::text WHEN 'day' THEN s.day WHEN 'channel' THEN s.channel
                         WHEN 'intent' THEN s.intent WHEN 'team' THEN s.team ELSE '' END AS key,
           s.state, s.sla_due_at, s.sla_breached_at,
           coalesce(h.auto_closed, false) AS auto_closed,
           coalesce(h.noise, false) AS noise,
           extract(epoch FROM h.first_reply - s.received_at)::float8 AS ttfr,
           q.item_id IS NOT NULL AS sampled, q.verdict,
           d.state AS draft_state,
           coalesce(c.calls, 0) AS calls, coalesce(c.unpriced, 0) AS unpriced,
           coalesce(c.prompt_tokens, 0) AS prompt_tokens, coalesce(c.completion_tokens, 0) AS completion_tokens,
           coalesce(c.cost, 0) AS cost
    FROM scoped s
    LEFT JOIN entered h ON h.item_id = s.id
    LEFT JOIN calls c ON c.item_id = s.id
    LEFT JOIN qa_reviews q ON q.item_id = s.id
    LEFT JOIN drafts d ON d.item_id = s.id
)
SELECT GROUPING(key) = 1 AS total,
       coalesce(key, '') AS key,
       count(*) AS volume,
       count(*) FILTER (WHERE auto_closed) AS auto_closed,
       count(*) FILTER (WHERE sampled) AS qa_sampled,
       count(*) FILTER (WHERE verdict = 'correct') AS qa_correct,
       count(*) FILTER (WHERE verdict = 'incorrect') AS qa_incorrect,
       count(*) FILTER (WHERE noise) AS noise_filtered,
       count(*) FILTER (WHERE NOT noise AND NOT auto_closed) AS needing_reply,
       count(*) FILTER (WHERE ttfr IS NOT NULL) AS replied,
       count(*) FILTER (WHERE ttfr IS NOT NULL AND NOT noise AND NOT auto_closed) AS replied_needing,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY ttfr) AS ttfr_p50,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY ttfr) AS ttfr_p90,
       count(*) FILTER (WHERE state IN ('replied', 'closed', 'auto_closed', 'filtered', 'duplicate')) AS resolved,
       count(*) FILTER (WHERE sla_due_at IS NOT NULL) AS sla_items,
       count(*) FILTER (WHERE sla_due_at IS NOT NULL AND sla_breached_at IS NOT NULL) AS sla_breached,
       count(*) FILTER (WHERE draft_state IS NOT NULL) AS drafted,
       count(*) FILTER (WHERE draft_state = 'sent') AS drafts_sent,
       count(*) FILTER (WHERE draft_state = 'rejected') AS drafts_rejected,
       coalesce(sum(calls), 0)::bigint AS model_calls,
       coalesce(sum(unpriced), 0)::bigint AS unpriced_calls,
       coalesce(sum(prompt_tokens), 0)::bigint AS prompt_tokens,
       coalesce(sum(completion_tokens), 0)::bigint AS completion_tokens,
       coalesce(sum(cost), 0)::float8 AS cost_usd
FROM per_item
GROUP BY GROUPING SETS ((key), ())
ORDER BY GROUPING(key), key;

-- name: Live
-- The counters, summed over their delta rows, in the shape of Recount:
-- (kind, name, channel or outcome, n, prompt tokens, completion tokens).
SELECT kind, name, channel, sum(n)::bigint, 0::bigint, 0::bigint
FROM item_event_counts
WHERE NOT deleted
GROUP BY kind, name, channel
UNION ALL
SELECT 'item', state, channel, sum(n)::bigint, 0, 0
FROM item_state_counts
GROUP BY state, channel
HAVING sum(n) <> 0
UNION ALL
SELECT 'model_call', backend, outcome, sum(calls)::bigint, sum(prompt_tokens)::bigint, sum(completion_tokens)::bigint
FROM model_call_counts
WHERE NOT deleted
GROUP BY backend, outcome
UNION ALL
SELECT 'qa', coalesce(verdict, 'pending'), '', count(*), 0, 0
FROM qa_reviews
GROUP BY verdict;

-- name: Recount
-- The numbers of Live, from the history: the events, items and model calls
-- there are, plus the tallies of those deleted (the counters only grow).
WITH events AS (
    SELECT k.kind, k.name, i.channel, count(*) AS n
    FROM item_events e
    JOIN items i ON i.id = e.item_id
    CROSS JOIN LATERAL item_event_key(e.from_state, e.to_state, e.detail) k
    GROUP BY k.kind, k.name, i.channel
    UNION ALL
    SELECT kind, name, channel, sum(n) FROM item_event_counts WHERE deleted GROUP BY kind, name, channel
), calls AS (
    SELECT backend, outcome, count(*) AS calls, sum(prompt_tokens) AS prompt_tokens,
           sum(completion_tokens) AS completion_tokens
    FROM model_calls
    GROUP BY backend, outcome
    UNION ALL
    SELECT backend, outcome, sum(calls), sum(prompt_tokens), sum(completion_tokens)
    FROM model_call_counts
    WHERE deleted
    GROUP BY backend, outcome
)
SELECT kind, name, channel, sum(n)::bigint, 0::bigint, 0::bigint
FROM events
GROUP BY kind, name, channel
UNION ALL
SELECT 'item', state, channel, count(*), 0, 0
FROM items
GROUP BY state, channel
UNION ALL
SELECT 'model_call', backend, outcome, sum(calls)::bigint, sum(prompt_tokens)::bigint, sum(completion_tokens)::bigint
FROM calls
GROUP BY backend, outcome
UNION ALL
SELECT 'qa', coalesce(verdict, 'pending'), '', count(*), 0, 0
FROM qa_reviews
GROUP BY verdict;

-- name: CompactEventCounts
-- Replaces the delta rows of each key by their sum. Rows inserted by
-- concurrent transactions are not in the statement's snapshot and stay; a
-- concurrent compaction waits for this one and then skips the rows it
-- deleted, so nothing is counted twice.
WITH gone AS (
    DELETE FROM item_event_counts RETURNING kind, name, channel, deleted, n
)
INSERT INTO item_event_counts (kind, name, channel, deleted, n)
SELECT kind, name, channel, deleted, sum(n) FROM gone GROUP BY kind, name, channel, deleted;

-- name: CompactStateCounts
WITH gone AS (
    DELETE FROM item_state_counts RETURNING state, channel, n
)
INSERT INTO item_state_counts (state, channel, n)
SELECT state, channel, sum(n) FROM gone GROUP BY state, channel HAVING sum(n) <> 0;

-- name: CompactCallCounts
WITH gone AS (
    DELETE FROM model_call_counts
    RETURNING backend, outcome, deleted, calls, prompt_tokens, completion_tokens
)
INSERT INTO model_call_counts (backend, outcome, deleted, calls, prompt_tokens, completion_tokens)
SELECT backend, outcome, deleted, sum(calls), sum(prompt_tokens), sum(completion_tokens)
FROM gone
GROUP BY backend, outcome, deleted;

-- name: LockForRebuild
-- Writers of the history wait until the rebuild commits; readers do not.
LOCK TABLE items, item_events, model_calls IN SHARE MODE;

-- name: LockCounters
LOCK TABLE item_event_counts, item_state_counts, model_call_counts IN EXCLUSIVE MODE;

-- name: RebuildEventCounts
-- The recorded events are what the history has plus what was deleted.
WITH gone AS (
    DELETE FROM item_event_counts WHERE NOT deleted
)
INSERT INTO item_event_counts (kind, name, channel, deleted, n)
SELECT kind, name, channel, false, sum(n)
FROM (
    SELECT k.kind, k.name, i.channel, count(*) AS n
    FROM item_events e
    JOIN items i ON i.id = e.item_id
    CROSS JOIN LATERAL item_event_key(e.from_state, e.to_state, e.detail) k
    GROUP BY k.kind, k.name, i.channel
    UNION ALL
    SELECT kind, name, channel, n FROM item_event_counts WHERE deleted
) t
GROUP BY kind, name, channel;

-- name: RebuildStateCounts
WITH gone AS (
    DELETE FROM item_state_counts
)
INSERT INTO item_state_counts (state, channel, n)
SELECT state, channel, count(*) FROM items GROUP BY state, channel;

-- name: RebuildCallCounts
WITH gone AS (
    DELETE FROM model_call_counts WHERE NOT deleted
)
INSERT INTO model_call_counts (backend, outcome, deleted, calls, prompt_tokens, completion_tokens)
SELECT backend, outcome, false, sum(calls), sum(prompt_tokens), sum(completion_tokens)
FROM (
    SELECT backend, outcome, count(*) AS calls, sum(prompt_tokens) AS prompt_tokens,
           sum(completion_tokens) AS completion_tokens
    FROM model_calls
    GROUP BY backend, outcome
    UNION ALL
    SELECT backend, outcome, calls, prompt_tokens, completion_tokens FROM model_call_counts WHERE deleted
) t
GROUP BY backend, outcome;
