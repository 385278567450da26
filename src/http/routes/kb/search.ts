/**
 * GET /api/v1/kb/:tenant/search?q=…&k=5 — what kb_search would give the agent, as JSON, with how
 * each passage was found (fused rank; full-text and vector rank and score, null where that side
 * missed it): the retrieval test of the console, for scripts. The query is bounded like the page's.
 */
import { Elysia } from "elysia";
import { adminAuth } from "../../../admin/auth/plugin.ts";
import { KonstructError } from "../../../errors.ts";
import { citation, MAX_QUERY } from "../../../knowledge/search.ts";
import { type KbDeps, kbTenant } from "./tenant.ts";

export const kbSearch = (deps: KbDeps) =>
  new Elysia()
    .use(adminAuth(deps)).get("/api/v1/kb/:tenant/search", async ({ params, query, principal }) => {
    const q = String(query.q ?? "").trim();
    if (!q) throw new KonstructError("bad_request", "q: a search query is required");
    if (q.length > MAX_QUERY) throw new KonstructError("bad_request", `q: at most ${MAX_QUERY} characters`);
    const k = Math.min(20, Math.max(1, Number(query.k ?? 5) || 5));
    const { tenantId, semantic } = await kbTenant(deps, principal, params.tenant, "read");
    const passages = await semantic.explain(tenantId, q, k);
    return { passages: passages.map((p) => ({ ...p, citation: citation(p) })) };
  });
