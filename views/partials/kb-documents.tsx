/** @jsxImportSource @kitajs/html */
/**
 * The knowledge base of one tenant as an htmx partial the admin console embeds: upload form and the
 * document list with ingestion progress. While any document is still being embedded the list polls
 * itself (every 1 s) until all are ready or failed. Delete buttons only for those who may delete
 * (`admin`); the server refuses everyone else anyway.
 */
import { t } from "../../src/i18n/i18n.ts";
import type { DocumentView } from "../../src/knowledge/knowledge.ts";

export function KbUploadForm(props: { tenant: string }): JSX.Element {
  return (
    <form class="kb-upload" hx-post={`/kb/${props.tenant}/partials/upload`} hx-encoding="multipart/form-data" hx-target="#kb-documents" hx-swap="outerHTML">
      <label for="kb-file">{t("knowledge.files")}</label>
      <input id="kb-file" type="file" name="file" multiple accept=".md,.markdown,.txt,.html,.htm,.pdf,.docx" required />
      <button type="submit">{t("knowledge.upload")}</button>
    </form>
  );
}

/** Upload form (admins only) and the list: the panel the console's Knowledge page shows. */
export function KbPanel(props: { tenant: string; documents: DocumentView[]; admin: boolean }): JSX.Element {
  return (
    <div class="kb-panel">
      {props.admin ? <KbUploadForm tenant={props.tenant} /> : <p class="hint">{t("kbDocuments.uploadingAndDeletingDocumentsTakes")}</p>}
      <KbDocuments tenant={props.tenant} documents={props.documents} admin={props.admin} />
    </div>
  );
}

export function KbDocuments(props: { tenant: string; documents: DocumentView[]; admin: boolean; notice?: string }): JSX.Element {
  const working = props.documents.some((d) => d.status === "queued" || d.status === "embedding");
  const poll = working ? { "hx-get": `/kb/${props.tenant}/partials/documents`, "hx-trigger": "every 1s", "hx-swap": "outerHTML" } : {};
  return (
    <section id="kb-documents" {...poll}>
      {props.notice ? <p class="notice" safe>{props.notice}</p> : ""}
      {props.documents.length === 0 ? (
        <p class="empty">{t("knowledgeAgent.noDocumentsYet")}</p>
      ) : (
        <table class="kb">
          <thead>
            <tr><th>{t("inboxCanned.title")}</th><th>{t("knowledgeDocument.file")}</th><th>{t("common.status")}</th><th>{t("kbDocuments.progress")}</th>{props.admin ? <th></th> : ""}</tr>
          </thead>
          <tbody>
            {props.documents.map((d) => (
              <tr id={`kb-doc-${d.id}`} data-status={d.status}>
                <td><a href={`/admin/knowledge/${d.id}`} safe>{d.title}</a></td>
                <td safe>{d.filename}</td>
                <td safe>{d.status === "failed" ? `failed: ${d.error ?? ""}` : d.status}</td>
                <td><progress max="100" value={String(d.progress)}>{String(d.progress)}%</progress> {String(d.chunksDone)}/{String(d.chunksTotal)}</td>
                {props.admin ? <td><button hx-delete={`/api/v1/kb/${props.tenant}/documents/${d.id}`} hx-target={`#kb-doc-${d.id}`} hx-swap="outerHTML" hx-confirm={t("kbDocuments.deleteThisDocument")}>{t("common.delete")}</button></td> : ""}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
