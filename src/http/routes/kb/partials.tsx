/** @jsxImportSource @kitajs/html */
/**
 * GET  /kb/:tenant/partials/documents — the document list (htmx partial, polls while embedding)
 * POST /kb/:tenant/partials/upload    — upload from the form, answers with the refreshed list
 */
import { Elysia } from "elysia";
import { adminAuth } from "../../../admin/auth/plugin.ts";
import { KbDocuments, KbUploadForm } from "../../../../views/partials/kb-documents.tsx";
import { KonstructError } from "../../../errors.ts";
import { type KbDeps, kbTenant, uploadedFiles } from "./tenant.ts";

const html = (el: JSX.Element) => new Response(String(el), { headers: { "content-type": "text/html; charset=utf-8" } });

export const kbPartials = (deps: KbDeps) =>
  new Elysia()
    .use(adminAuth(deps))
    .get("/kb/:tenant/partials/documents", async ({ params, principal }) => {
      const { tenantId, slug, semantic } = await kbTenant(deps, principal, params.tenant, "read");
      return html(<KbDocuments tenant={slug} documents={await semantic.knowledge.list(tenantId)} />);
    })
    .get("/kb/:tenant/partials/panel", async ({ params, principal }) => {
      const { tenantId, slug, semantic } = await kbTenant(deps, principal, params.tenant, "read");
      return html(<div class="kb-panel"><KbUploadForm tenant={slug} /><KbDocuments tenant={slug} documents={await semantic.knowledge.list(tenantId)} /></div>);
    })
    .post("/kb/:tenant/partials/upload", async ({ params, body, principal }) => {
      const { tenantId, slug, semantic } = await kbTenant(deps, principal, params.tenant, "admin");
      const files = await uploadedFiles(body);
      const notices: string[] = [];
      for (const f of files) {
        try {
          const r = await semantic.knowledge.upload(tenantId, f);
          if (r.duplicate) notices.push(`${f.filename}: already in the knowledge base`);
        } catch (e) {
          if (!(e instanceof KonstructError)) throw e;
          notices.push(e.message);
        }
      }
      if (!files.length) notices.push("Choose a file to upload.");
      return html(<KbDocuments tenant={slug} documents={await semantic.knowledge.list(tenantId)} notice={notices.join(" ")} />);
    });
