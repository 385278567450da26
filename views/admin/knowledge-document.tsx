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
      <p><a href={`/admin/knowledge?tenant=${tenant}`}>← Knowledge</a> · <a href={`/admin/knowledge/search?tenant=${tenant}`}>Retrieval test</a></p>
      <Flash message={p.flash} />
      <dl class="facts">
        <dt>File</dt><dd safe>{d.filename}</dd>
        <dt>Status</dt><dd safe>{d.status === "failed" ? `failed: ${d.error ?? ""}` : d.status}</dd>
        <dt>Chunks</dt><dd>{int(d.chunksDone)} of {int(d.chunksTotal)} embedded</dd>
        <dt>Text</dt><dd>{int(p.text.total)} characters</dd>
        <dt>Updated</dt><dd>{when(d.updatedAt)}</dd>
      </dl>
      {p.admin ? <PostButton action={`${base}/reindex?tenant=${tenant}`} csrf={p.csrf} label="Re-index" /> : ""}
      {p.admin && d.sourceSha256 ? <PostButton action={`${base}/reextract?tenant=${tenant}`} csrf={p.csrf} label="Re-extract from the stored original" /> : ""}
      <h2>Chunks</h2>
      {p.chunks.length === 0 ? (
        <p class="empty">No chunks.</p>
      ) : (
        <div class="table-wrap">
          <table class="kb-chunks">
            <thead><tr><th scope="col">#</th><th scope="col">Section</th><th scope="col">Text</th><th scope="col">Embedded</th></tr></thead>
            <tbody>
              {p.chunks.map((c) => (
                <tr id={`chunk-${c.seq}`}>
                  <td>{String(c.seq + 1)}</td>
                  <td safe>{c.section || "—"}</td>
                  <td safe>{c.content}</td>
                  <td>{c.model === p.model ? "yes" : "waiting"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager base={base} params={{ tenant, text: String(p.textPage) }} page={p.chunkPage} hasNext={p.hasNextChunks} />
      <h2>Extracted text</h2>
      <p class="muted">Part {String(p.textPage)} of {String(p.textPages)}.</p>
      <pre class="kb-text" tabindex="0"><code safe>{p.text.text}</code></pre>
      <nav class="pager" aria-label="Text pages">
        {p.textPage > 1 ? <a href={`${base}?tenant=${tenant}&page=${p.chunkPage}&text=${p.textPage - 1}`} rel="prev">← Previous part</a> : <span />}
        {p.textPage < p.textPages ? <a href={`${base}?tenant=${tenant}&page=${p.chunkPage}&text=${p.textPage + 1}`} rel="next">Next part →</a> : <span />}
      </nav>
    </section>
  );
}
