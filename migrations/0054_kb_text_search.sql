-- Full-text side of hybrid search (src/knowledge/search.ts). Under FORCEd RLS the app role can never
-- use the GIN index kb_chunks_tsv: `@@` (ts_match_vq) is not LEAKPROOF, so the planner may not apply
-- it before the tenant policy, and every search read the tenant's chunks in table order and stopped
-- after 1,000 matches — which missed a rare word's passage in a tenant with more matching chunks.
--
-- This definer function returns one thing: ids and ts_rank scores of the CURRENT tenant's chunks
-- that match a text, best first. Why it is safe:
--  - The tenant is konstruct_current_tenant() (app.tenant_id, set by Database.withTenant), never a
--    parameter; every read of kb_chunks below filters on it. Without a tenant it returns nothing.
--  - p_documents only narrows the result (an agent's knowledge scope); p_query only reaches
--    plainto_tsquery/to_tsvector (no dynamic SQL); p_limit is clamped to 1..100.
--  - It returns ids and scores, no content: the caller reads rows through RLS as before.
--  - Only konstruct_app may execute it; search_path is pinned.
--  src/knowledge/text-search.test.ts fails if it returns another tenant's chunk (two tenants, same words).
--
-- How it stays bounded on a large knowledge base where common words match most chunks:
--  - a sample: the tenant's first 300 chunks (in scope). Its matches are candidates; for a tenant
--    of at most 300 chunks that is every match, ranked exactly as before.
--  - a term found in at most 2 of the 300 (under ~1% of the chunks) is selective: its matches are
--    looked up through the GIN index (at most 500 rows), so its passage is a candidate wherever it
--    is. The tenant test is written `IS TRUE` so it stays a filter: ANDing a bitmap of all the
--    tenant's rows would cost more than the whole search.
--  - candidates are ranked by how many selective terms they contain (a rare word outweighs common
--    ones), then ts_rank over the OR of all terms.
CREATE FUNCTION konstruct_kb_text_search(p_query text, p_documents uuid[], p_limit integer)
  RETURNS TABLE (id uuid, score real)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
DECLARE
  v_tenant uuid := konstruct_current_tenant();
  -- plainto_tsquery ANDs the terms; a question rarely contains all of a passage's words, so OR them.
  v_q tsquery := nullif(replace(plainto_tsquery('english', p_query)::text, '&', '|'), '')::tsquery;
  v_terms tsquery[];
BEGIN
  IF v_tenant IS NULL OR v_q IS NULL THEN
    RETURN;
  END IF;
  SELECT array_agg(quote_literal(l)::tsquery) INTO v_terms
    FROM (SELECT l FROM unnest(tsvector_to_array(to_tsvector('english', p_query))) l LIMIT 32) x;
  RETURN QUERY
  WITH sample AS MATERIALIZED (
    SELECT c.id, c.tsv FROM kb_chunks c
    WHERE c.tenant_id = v_tenant AND (p_documents IS NULL OR c.document_id = ANY (p_documents))
    LIMIT 300),
  rare AS (
    SELECT t FROM unnest(v_terms) t
    WHERE (SELECT count(*) FROM sample) = 300 AND (SELECT count(*) FROM sample s WHERE s.tsv @@ t) <= 2),
  rq AS (SELECT (SELECT string_agg(t::text, ' | ') FROM rare)::tsquery AS r),
  cand AS (
    (SELECT s.id, s.tsv FROM sample s WHERE s.tsv @@ v_q)
    UNION
    (SELECT c.id, c.tsv FROM kb_chunks c, rq
     WHERE rq.r IS NOT NULL AND c.tsv @@ rq.r AND (c.tenant_id = v_tenant) IS TRUE
       AND (p_documents IS NULL OR c.document_id = ANY (p_documents))
     LIMIT 500))
  SELECT cand.id, ts_rank(cand.tsv, v_q) FROM cand
  ORDER BY (SELECT count(*) FROM rare WHERE cand.tsv @@ rare.t) DESC, 2 DESC, 1
  LIMIT least(greatest(p_limit, 1), 100);
END $$;
--> statement-breakpoint
-- FORCEd RLS binds a non-superuser owner too: let the owner (so this function) read chunks. The
-- owner is the migrator, never the application.
CREATE POLICY owner_search ON kb_chunks FOR SELECT TO CURRENT_USER USING (true);
--> statement-breakpoint
REVOKE ALL ON FUNCTION konstruct_kb_text_search(text, uuid[], integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION konstruct_kb_text_search(text, uuid[], integer) TO konstruct_app;
--> statement-breakpoint
-- GIN's fast-update pending list (up to 4 MB by default) is scanned linearly by every search until
-- a vacuum merges it: after a large upload that cost ~14 ms per search at 100k chunks. A 128 kB list
-- bounds that scan (~0.5 ms) and keeps inserts batched: with no list at all (fastupdate off) every
-- chunk insert updates the index, which made a 100k-chunk upload markedly slower.
ALTER INDEX kb_chunks_tsv SET (gin_pending_list_limit = 128);
--> statement-breakpoint
SELECT gin_clean_pending_list('kb_chunks_tsv');
