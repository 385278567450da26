/** @jsxImportSource @kitajs/html */
/**
 * Retrieval test ("hit testing"): a question, and the passages kb_search would hand the AI employee
 * for it — fused rank, each side's rank and score (full text: ts_rank; vector: cosine similarity; "—"
 * when that side did not find it), document title and section. The form posts with htmx and swaps
 * only the results; without JavaScript it posts the whole page.
 */
import type { Scope } from "./scope.ts";
import type { ExplainedPassage, SideHit } from "../../src/knowledge/search.ts";
import { Choice, Text } from "./fields.tsx";
import { Csrf, type FieldErrors } from "./form.tsx";
import { NoTenant, PageHead } from "./parts.tsx";
import { t as tr, tText } from "../../src/i18n/i18n.ts";

export interface KnowledgeSearchProps {
  scope: Scope;
  csrf: string;
  agents: { id: string; name: string }[];
  values: Record<string, string | undefined>;
  errors?: FieldErrors;
  /** null before a question is asked. */
  results: ExplainedPassage[] | null;
  /** Set when an agent was picked: what its knowledge scope allows. */
  scopeNote?: string;
}

const side = (h: SideHit | null) => (h ? `#${h.rank} · ${h.score.toFixed(4)}` : "—");

export function KnowledgeSearchResults(p: { results: ExplainedPassage[] | null; scopeNote?: string; error?: string }): JSX.Element {
  return (
    <section id="kb-hits" aria-live="polite">
      {p.error ? <p class="error" role="alert" safe>{p.error}</p> : ""}
      {p.scopeNote ? <p class="muted" safe>{p.scopeNote}</p> : ""}
      {p.results === null ? (
        ""
      ) : p.results.length === 0 ? (
        <p class="empty">{tr("knowledgeSearch.noPassageMatchesThisQuestion")}</p>
      ) : (
        <div class="table-wrap">
          <table class="kb-hits">
            <thead><tr><th scope="col">{tr("knowledgeSearch.rank")}</th><th scope="col">{tr("knowledgeSearch.fusedScore")}</th><th scope="col">{tr("knowledgeSearch.fullText")}</th><th scope="col">{tr("knowledgeSearch.vector")}</th><th scope="col">{tr("knowledgeSearch.documentSection")}</th><th scope="col">{tr("knowledgeSearch.passage")}</th></tr></thead>
            <tbody>
              {p.results.map((r) => (
                <tr data-chunk={r.chunkId}>
                  <td>{String(r.fusedRank)}</td>
                  <td>{r.score.toFixed(4)}</td>
                  <td class="side-text">{side(r.text)}</td>
                  <td class="side-vector">{side(r.vector)}</td>
                  <td><a href={`/admin/knowledge/${r.documentId}`} safe>{r.title}</a>{r.section && r.section !== r.title ? <><br /><small class="muted" safe>{r.section}</small></> : ""}</td>
                  <td safe>{r.content}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function KnowledgeSearchView(p: KnowledgeSearchProps): JSX.Element {
  const t = p.scope.tenantId;
  return (
    <section>
      <PageHead title={tr("knowledgeAgent.retrievalTest")} scope={p.scope} action="/admin/knowledge/search" />
      <p class="muted">
        {tr("knowledgeSearch.askWhatAnEndUser")}{" "}<code>kb_search</code>{" "}{tr("knowledgeSearch.returnsBestFirstFullText")}{" "}<a href="/admin/knowledge">{tr("knowledgeSearch.backToTheDocuments")}</a>.
      </p>
      {!t ? (
        <NoTenant />
      ) : (
        <>
          <form method="post" action={`/admin/knowledge/search?tenant=${t}`} hx-post={`/admin/knowledge/search?tenant=${t}`} hx-target="#kb-hits" hx-swap="outerHTML">
            <Csrf token={p.csrf} />
            <Text name="q" label={tr("knowledgeSearch.question")} values={p.values} errors={p.errors} required hint={tr("knowledgeSearch.upTo500Characters")} />
            <Choice name="agent_id" label={tr("knowledgeSearch.asAiEmployee")} values={p.values} errors={p.errors} options={[{ value: "", label: tText("knowledgeSearch.wholeKb") }, ...p.agents.map((a) => ({ value: a.id, label: a.name }))]} />
            <Choice name="k" label={tr("knowledgeSearch.passages")} values={p.values} errors={p.errors} options={["5", "10", "20"].map((v) => ({ value: v, label: v }))} />
            <button type="submit">{tr("knowledgeSearch.search")}</button>
          </form>
          <KnowledgeSearchResults results={p.results} scopeNote={p.scopeNote} />
        </>
      )}
    </section>
  );
}
