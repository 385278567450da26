/** @jsxImportSource @kitajs/html */
/** The Knowledge page: what the AI employees can look up (kb_search), with the knowledge-base panel. */
import type { Scope } from "../../src/admin/scope.ts";
import type { DocumentView } from "../../src/knowledge/knowledge.ts";
import { KbPanel } from "../partials/kb-documents.tsx";
import { NoTenant, PageHead } from "./parts.tsx";

export function KnowledgeView(p: { scope: Scope; slug: string; documents: DocumentView[] | null; admin: boolean }): JSX.Element {
  return (
    <section>
      <PageHead title="Knowledge" scope={p.scope} action="/admin/knowledge" />
      {!p.scope.tenantId || !p.documents ? (
        <NoTenant />
      ) : (
        <>
          <p class="hint">Documents here are split into passages and embedded; the AI employees find them with kb_search and cite them. Open a document to see its text and chunks; <a href="/admin/knowledge/search">test retrieval</a> to see what a question finds.</p>
          <KbPanel tenant={p.slug} documents={p.documents} admin={p.admin} />
        </>
      )}
    </section>
  );
}
