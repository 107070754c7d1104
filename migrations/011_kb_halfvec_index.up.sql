-- The knowledge base's vector indexes over binary quantizations found the
-- offline embedder's nearest passages badly (recall@10 0.04 at 100,000
-- passages: its vectors are neither centred nor large enough for one bit
-- per dimension). Drop them (named kb_embeddings_hnsw_<12 hex digits>);
-- the next start of the worker or `triage kb embed` creates the halfvec
-- indexes (kb_embeddings_hnsw_h<hex>) in their place
-- (kb.Store.RegisterModel). pg_class, not pg_indexes: the view would
-- describe every schema's indexes, and trip over those being dropped.
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = current_schema() AND c.relkind = 'i'
               AND c.relname ~ '^kb_embeddings_hnsw_[0-9a-f]{12}$'
    LOOP
        EXECUTE format('DROP INDEX %I', r.relname);
    END LOOP;
END
$$;
