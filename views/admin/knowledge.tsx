/** @jsxImportSource @kitajs/html */
/** The Knowledge page: what the AI employees can look up (kb_search), with the knowledge-base panel. */
import type { Scope } from "./scope.ts";
import type { DocumentView } from "../../src/knowledge/knowledge.ts";
import { KbPanel } from "../partials/kb-documents.tsx";
import { NoTenant, PageHead } from "./parts.tsx";
import { t } from "../../src/i18n/i18n.ts";

/** An AI employee and how many documents its kb_search may read (null = all). */
export interface AgentScopeRow {
  id: string;
  name: string;
  documents: number | null;
}

export function KnowledgeView(p: { scope: Scope; slug: string; documents: DocumentView[] | null; admin: boolean; agents?: AgentScopeRow[] }): JSX.Element {
  return (
    <section>
      <PageHead title={t("nav.knowledge")} scope={p.scope} action="/admin/knowledge" />
      {!p.scope.tenantId || !p.documents ? (
        <NoTenant />
      ) : (
        <>
          <p class="hint">{t("knowledge.documentsHereAreSplitInto")}{" "}<a href="/admin/knowledge/search">{t("knowledge.testRetrieval")}</a>{" "}{t("knowledge.toSeeWhatAQuestion")}</p>
          <KbPanel tenant={p.slug} documents={p.documents} admin={p.admin} />
          {p.agents?.length ? (
            <section id="kb-agents">
              <h2>{t("knowledge.whatEachAiEmployeeMay")}</h2>
              <ul>
                {p.agents.map((a) => (
                  <li>
                    {p.admin ? <a href={`/admin/knowledge/agents/${a.id}?tenant=${p.scope.tenantId}`} safe>{a.name}</a> : <span safe>{a.name}</span>}
                    {": "}
                    {a.documents === null ? t("knowledge.wholeBase") : t("knowledge.documentCount", { count: a.documents })}
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
