/** @jsxImportSource @kitajs/html */
/** The Knowledge page: what the AI employees can look up (kb_search), with the knowledge-base panel. */
import type { Scope } from "./scope.ts";
import type { DocumentView } from "../../src/knowledge/knowledge.ts";
import { KbPanel } from "../partials/kb-documents.tsx";
import { NoTenant, PageHead } from "./parts.tsx";

/** An AI employee and how many documents its kb_search may read (null = all). */
export interface AgentScopeRow {
  id: string;
  name: string;
  documents: number | null;
}

export function KnowledgeView(p: { scope: Scope; slug: string; documents: DocumentView[] | null; admin: boolean; agents?: AgentScopeRow[] }): JSX.Element {
  return (
    <section>
      <PageHead title="Knowledge" scope={p.scope} action="/admin/knowledge" />
      {!p.scope.tenantId || !p.documents ? (
        <NoTenant />
      ) : (
        <>
          <p class="hint">Documents here are split into passages and embedded; the AI employees find them with kb_search and cite them. Open a document to see its text and chunks; <a href="/admin/knowledge/search">test retrieval</a> to see what a question finds.</p>
          <KbPanel tenant={p.slug} documents={p.documents} admin={p.admin} />
          {p.agents?.length ? (
            <section id="kb-agents">
              <h2>What each AI employee may read</h2>
              <ul>
                {p.agents.map((a) => (
                  <li>
                    {p.admin ? <a href={`/admin/knowledge/agents/${a.id}?tenant=${p.scope.tenantId}`} safe>{a.name}</a> : <span safe>{a.name}</span>}
                    {": "}
                    {a.documents === null ? "the whole knowledge base" : `${a.documents} document(s)`}
                  </li>
                ))}
              </ul>
            </section>
          ) : (
            ""
          )}
        </>
      )}
    </section>
  );
}
