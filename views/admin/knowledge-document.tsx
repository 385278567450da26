/** @jsxImportSource @kitajs/html */
/**
 * One knowledge document: status, the extracted text (a page of TEXT_PAGE_CHARS at a time) and its
 * chunks with their sections (CHUNK_PAGE a page), each marked embedded or waiting — what kb_search
 * can find. Re-index (tenant admins) chunks and embeds the stored text again.
 */
import type { Scope } from "./scope.ts";
import type { DocumentView } from "../../src/knowledge/knowledge.ts";
import type { ChunkRow, TextPage } from "../../src/knowledge/preview.ts";
import { Flash, PostButton } from "./form.tsx";
import { int, PageHead, Pager, when } from "./parts.tsx";
import { t } from "../../src/i18n/i18n.ts";

export interface KnowledgeDocumentProps {
  scope: Scope;
  csrf: string;
  admin: boolean;
  doc: DocumentView;
  text: TextPage;
  textPage: number;
  textPages: number;
  chunks: ChunkRow[];
  chunkPage: number;
  hasNextChunks: boolean;
  /** The model search reads (a chunk of another model is waiting to be re-embedded). */
  model: string;
  flash?: string;
}

export function KnowledgeDocumentView(p: KnowledgeDocumentProps): JSX.Element {
  const d = p.doc;
  const base = `/admin/knowledge/${d.id}`;
  const tenant = p.scope.tenantId ?? "";
  return (
    <section>
      <PageHead title={d.title} />
      <p><a href={`/admin/knowledge?tenant=${tenant}`}>{t("knowledgeAgent.knowledge")}</a> · <a href={`/admin/knowledge/search?tenant=${tenant}`}>{t("knowledgeAgent.retrievalTest")}</a></p>
      <Flash message={p.flash} />
      <dl class="facts">
        <dt>{t("knowledgeDocument.file")}</dt><dd safe>{d.filename}</dd>
        <dt>{t("common.status")}</dt><dd safe>{d.status === "failed" ? `failed: ${d.error ?? ""}` : d.status}</dd>
        <dt>{t("knowledgeDocument.chunks")}</dt><dd>{int(d.chunksDone)} of {int(d.chunksTotal)} embedded</dd>
        <dt>{t("inboxCanned.text")}</dt><dd>{int(p.text.total)} characters</dd>
        <dt>{t("knowledgeDocument.updated")}</dt><dd>{when(d.updatedAt)}</dd>
      </dl>
      {p.admin ? <PostButton action={`${base}/reindex?tenant=${tenant}`} csrf={p.csrf} label={t("knowledgeDocument.reIndex")} /> : ""}
      {p.admin && d.sourceSha256 ? <PostButton action={`${base}/reextract?tenant=${tenant}`} csrf={p.csrf} label={t("knowledgeDocument.reExtractFromStored")} /> : ""}
      <h2>{t("knowledgeDocument.chunks")}</h2>
      {p.chunks.length === 0 ? (
        <p class="empty">{t("knowledgeDocument.noChunks")}</p>
      ) : (
        <div class="table-wrap">
          <table class="kb-chunks">
            <thead><tr><th scope="col">#</th><th scope="col">{t("knowledgeDocument.section")}</th><th scope="col">{t("inboxCanned.text")}</th><th scope="col">{t("knowledgeDocument.embedded")}</th></tr></thead>
            <tbody>
              {p.chunks.map((c) => (
                <tr id={`chunk-${c.seq}`}>
                  <td>{String(c.seq + 1)}</td>
                  <td safe>{c.section || "—"}</td>
                  <td safe>{c.content}</td>
                  <td>{c.model === p.model ? t("knowledgeDocument.yes") : t("knowledgeDocument.waiting")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager base={base} params={{ tenant, text: String(p.textPage) }} page={p.chunkPage} hasNext={p.hasNextChunks} />
      <h2>{t("knowledgeDocument.extractedText")}</h2>
      <p class="muted">{t("knowledgeDocument.part")}{" "}{String(p.textPage)} of {String(p.textPages)}.</p>
      <pre class="kb-text" tabindex="0"><code safe>{p.text.text}</code></pre>
      <nav class="pager" aria-label={t("knowledgeDocument.textPages")}>
        {p.textPage > 1 ? <a href={`${base}?tenant=${tenant}&page=${p.chunkPage}&text=${p.textPage - 1}`} rel="prev">{t("knowledgeDocument.previousPart")}</a> : <span />}
        {p.textPage < p.textPages ? <a href={`${base}?tenant=${tenant}&page=${p.chunkPage}&text=${p.textPage + 1}`} rel="next">{t("knowledgeDocument.nextPart")}</a> : <span />}
      </nav>
    </section>
  );
}
