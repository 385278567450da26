/** GET /api/v1/kb/:tenant/documents[/:id] — documents with ingestion status and progress (0–100). */
import { Elysia } from "elysia";
import { adminAuth } from "../../../admin/auth/plugin.ts";
import { KonstructError } from "../../../errors.ts";
import { type KbDeps, kbTenant } from "./tenant.ts";

export const kbDocuments = (deps: KbDeps) =>
  new Elysia()
    .use(adminAuth(deps))
    .get("/api/v1/kb/:tenant/documents", async ({ params, principal }) => {
      const { tenantId, semantic } = await kbTenant(deps, principal, params.tenant, "read");
      return { documents: await semantic.knowledge.list(tenantId) };
    })
    .get("/api/v1/kb/:tenant/documents/:id", async ({ params, principal }) => {
      const { tenantId, semantic } = await kbTenant(deps, principal, params.tenant, "read");
      const doc = await semantic.knowledge.get(tenantId, params.id);
      if (!doc) throw new KonstructError("not_found", `no document '${params.id}'`);
      return { document: doc };
    });
