/** @jsxImportSource @kitajs/html */
/**
 * GET  /kb/:tenant/partials/documents — the document list (htmx partial, polls while embedding)
 * POST /kb/:tenant/partials/upload    — upload from the form, answers with the refreshed list
 *   (507 with the list and the reason when data_dir is too full; app.js lets htmx swap that one in)
 */
import { Elysia } from "elysia";
import { adminAuth } from "../../../admin/auth/plugin.ts";
import { canAdmin, type Principal } from "../../../admin/auth/principal.ts";
import { KbDocuments, KbPanel } from "../../../../views/partials/kb-documents.tsx";
import { KonstructError } from "../../../errors.ts";
import { type KbDeps, kbTenant, totalBytes, uploadedFiles } from "./tenant.ts";

/** Operators get the list without upload form or delete buttons. */
const mayEdit = (p: Principal | null, tenantId: string) => p !== null && canAdmin(p, tenantId);
const html = (el: JSX.Element, status = 200) => new Response(String(el), { status, headers: { "content-type": "text/html; charset=utf-8" } });

export const kbPartials = (deps: KbDeps) =>
  new Elysia()
    .use(adminAuth(deps))
    .get("/kb/:tenant/partials/documents", async ({ params, principal }) => {
      const { tenantId, slug, semantic } = await kbTenant(deps, principal, params.tenant, "read");
      return html(<KbDocuments tenant={slug} admin={mayEdit(principal, tenantId)} documents={await semantic.knowledge.list(tenantId)} />);
    })
    .get("/kb/:tenant/partials/panel", async ({ params, principal }) => {
      const { tenantId, slug, semantic } = await kbTenant(deps, principal, params.tenant, "read");
      const admin = mayEdit(principal, tenantId);
      return html(<KbPanel tenant={slug} admin={admin} documents={await semantic.knowledge.list(tenantId)} />);
    })
    .post("/kb/:tenant/partials/upload", async ({ params, body, principal }) => {
      const { tenantId, slug, semantic } = await kbTenant(deps, principal, params.tenant, "admin");
      const notices: string[] = [];
      const files = await uploadedFiles(body, deps.config.knowledge.max_files_per_upload).catch((e) => {
        if (!(e instanceof KonstructError)) throw e;
        notices.push(e.message);
        return [];
      });
      const full = files.length ? deps.disk.shortage(totalBytes(files)) : null;
      if (full) {
        const list = <KbDocuments tenant={slug} admin documents={await semantic.knowledge.list(tenantId)} notice={full} />;
        return html(list, 507);
      }
      for (const f of files) {
        try {
          const r = await semantic.knowledge.upload(tenantId, f);
          if (r.duplicate) notices.push(`${f.filename}: already in the knowledge base`);
          if (r.document.status === "failed") notices.push(r.document.error ?? `${f.filename}: failed`);
        } catch (e) {
          if (!(e instanceof KonstructError)) throw e;
          notices.push(e.message);
        }
      }
      if (!files.length && !notices.length) notices.push("Choose a file to upload.");
      return html(<KbDocuments tenant={slug} admin documents={await semantic.knowledge.list(tenantId)} notice={notices.join(" ")} />);
    });
