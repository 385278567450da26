/**
 * POST /api/v1/kb/:tenant/documents — multipart `file` (one or more): stored, embedded in the
 * background. 201 (200 when all are duplicates; 422 when extraction refused them all — each such
 * document is stored `failed` with its reason; 507 when storing them would leave data_dir below
 * disk.min_free_mb — checked again here with the files' real sizes, whatever the headers said).
 */
import { Elysia } from "elysia";
import { adminAuth } from "../../../admin/auth/plugin.ts";
import { KonstructError } from "../../../errors.ts";
import { requireSpace } from "../../../db/disk-space.ts";
import { type KbDeps, kbTenant, totalBytes, uploadedFiles } from "./tenant.ts";

export const kbUpload = (deps: KbDeps) =>
  new Elysia()
    .use(adminAuth(deps)).post("/api/v1/kb/:tenant/documents", async ({ params, body, set, principal }) => {
    const { tenantId, semantic } = await kbTenant(deps, principal, params.tenant, "admin");
    const files = await uploadedFiles(body, deps.config.knowledge.max_files_per_upload);
    if (!files.length) throw new KonstructError("bad_request", "expected multipart/form-data with a 'file' field");
    requireSpace(deps.disk, totalBytes(files));
    const results = [];
    for (const f of files) {
      const r = await semantic.knowledge.upload(tenantId, f);
      results.push({ ...r.document, duplicate: r.duplicate });
    }
    set.status = results.every((r) => r.status === "failed") ? 422 : results.every((r) => r.duplicate) ? 200 : 201;
    return { documents: results };
  });
