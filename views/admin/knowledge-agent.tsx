/** @jsxImportSource @kitajs/html */
/**
 * One AI employee's knowledge scope: the whole knowledge base, or only the checked documents. What
 * is saved here is what its kb_search reads (and what the retrieval test applies when it is picked).
 */
import type { Scope } from "./scope.ts";
import { Csrf, type FieldErrors } from "./form.tsx";
import { PageHead } from "./parts.tsx";
import { t as tr } from "../../src/i18n/i18n.ts";

export interface KnowledgeAgentProps {
  scope: Scope;
  csrf: string;
  agent: { id: string; name: string };
  documents: { id: string; title: string; filename: string }[];
  /** null = the whole knowledge base. */
  selected: string[] | null;
  errors?: FieldErrors;
}

export function KnowledgeAgentView(p: KnowledgeAgentProps): JSX.Element {
  const t = p.scope.tenantId ?? "";
  const chosen = new Set(p.selected ?? []);
  return (
    <section>
      <PageHead title={`${tr("knowledgeAgent.knowledgeOf")} ${p.agent.name}`} />
      <p><a href={`/admin/knowledge?tenant=${t}`}>{tr("knowledgeAgent.knowledge")}</a> · <a href={`/admin/knowledge/search?tenant=${t}`}>{tr("knowledgeAgent.retrievalTest")}</a></p>
      {p.errors?._form ? <p class="error" role="alert" safe>{p.errors._form}</p> : ""}
      <form method="post" action={`/admin/knowledge/agents/${p.agent.id}?tenant=${t}`}>
        <Csrf token={p.csrf} />
        <fieldset>
          <legend>{tr("knowledgeAgent.whatKbSearchMayRead")}</legend>
          <label><input type="radio" name="mode" value="all" checked={p.selected === null} />{" "}{tr("knowledgeAgent.theWholeKnowledgeBaseIncluding")}</label>
          <label><input type="radio" name="mode" value="some" checked={p.selected !== null} />{" "}{tr("knowledgeAgent.onlyTheDocumentsCheckedBelow")}</label>
        </fieldset>
        {p.documents.length === 0 ? (
          <p class="empty">{tr("knowledgeAgent.noDocumentsYet")}</p>
        ) : (
          <fieldset>
            <legend>{tr("knowledgeAgent.documents")}</legend>
            {p.documents.map((d) => (
              <label><input type="checkbox" name="documents" value={d.id} checked={chosen.has(d.id)} /> <span safe>{d.title}</span> <small class="muted" safe>{d.filename}</small></label>
            ))}
          </fieldset>
        )}
        <button type="submit">{tr("common.save")}</button>
      </form>
    </section>
  );
}
