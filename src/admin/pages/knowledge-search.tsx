/** @jsxImportSource @kitajs/html */
/**
 * /admin/knowledge/search: the retrieval test. The question runs through the same search as the
 * `kb_search` tool (explainSearch, which hybridSearch is a view of), in the scoped tenant only, so
 * what the page lists is what an AI employee of that tenant would get. Readers of the tenant
 * (operators and admins) may use it; the question is bounded (MAX_QUERY) before it reaches the
 * embedder or the database, and `k` is one of a fixed few.
 */
import { KnowledgeSearchResults, KnowledgeSearchView, type KnowledgeSearchProps } from "../../../views/admin/knowledge-search.tsx";
import { KonstructError } from "../../errors.ts";
import { isPartialRequest, render } from "../../http/render.ts";
import { agentKnowledgeScope } from "../../knowledge/scope.ts";
import { MAX_QUERY } from "../../knowledge/search.ts";
import { listAgents } from "../agents/save.ts";
import type { AdminContext as PageCtx } from "../lazy.ts";
import { formText } from "../request.ts";
import type { AdminDeps } from "../routes.ts";
import { pageScope } from "../scope.ts";
import { t, tText } from "../../i18n/i18n.ts";

const KS = [5, 10, 20];

async function props(deps: AdminDeps, ctx: PageCtx) {
  const s = await pageScope(deps, ctx, "knowledge");
  const agents = s.tenantId ? (await listAgents(s.db, s.tenantId)).map((a) => ({ id: a.id, name: a.name })) : [];
  const base: KnowledgeSearchProps = { scope: s.scope, csrf: ctx.csrfToken, agents, values: { k: "5" }, results: null };
  return { ...s, base };
}

/** GET /admin/knowledge/search */
export async function showKnowledgeSearch(deps: AdminDeps, ctx: PageCtx): Promise<Response> {
  const { base } = await props(deps, ctx);
  return render(ctx, <KnowledgeSearchView {...base} />, t("knowledgeAgent.retrievalTest"));
}

/** POST /admin/knowledge/search — htmx gets the results section, a plain form post the whole page. */
export async function runKnowledgeSearch(deps: AdminDeps, ctx: PageCtx): Promise<Response> {
  const { db, tenantId, base } = await props(deps, ctx);
  if (!tenantId) throw new KonstructError("not_found", "no tenant");
  const values = { q: formText(ctx.body, "q").slice(0, MAX_QUERY + 1), agent_id: formText(ctx.body, "agent_id").slice(0, 100), k: formText(ctx.body, "k") || "5" };
  const k = Number(values.k);
  const agent = values.agent_id ? base.agents.find((a) => a.id === values.agent_id) : null;
  const error = !values.q.trim()
    ? { q: tText("knowledgeSearch.typeQuestion") }
    : values.q.length > MAX_QUERY
      ? { q: tText("formError.maxChars", { n: MAX_QUERY }) }
      : !KS.includes(k)
        ? { k: tText("knowledgeSearch.kChoices") }
        : agent === undefined
          ? { agent_id: "no such AI employee" }
          : null;
  const answer = (extra: Partial<KnowledgeSearchProps>, status = 200) =>
    isPartialRequest(ctx.request)
      ? render(ctx, <KnowledgeSearchResults results={extra.results ?? null} scopeNote={extra.scopeNote} error={Object.values(extra.errors ?? {})[0]} />)
      : render(ctx, <KnowledgeSearchView {...base} values={values} {...extra} />, t("knowledgeAgent.retrievalTest"), status);
  if (error) return answer({ errors: error }, 400);
  const semantic = deps.knowledge();
  if (!semantic) throw new KonstructError("db_unavailable", "starting");
  const scope = agent ? await agentKnowledgeScope(db, tenantId, agent.id) : undefined;
  const results = await semantic.explain(tenantId, values.q, k, scope ? { documentIds: scope.documentIds } : {});
  const scopeNote = agent ? (scope ? `${agent.name} may use ${scope.documentIds.length} document(s): ${scope.titles.join(", ") || "none"}.` : `${agent.name} uses the whole knowledge base.`) : undefined;
  return answer({ results, scopeNote });
}
