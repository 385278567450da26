/** DELETE /api/v1/kb/:tenant/documents/:id — the document and all its chunks. */
import { Elysia } from "elysia";
import { adminAuth } from "../../../admin/auth/plugin.ts";
import { KonstructError } from "../../../errors.ts";
import { type KbDeps, kbTenant } from "./tenant.ts";

export const kbRemove = (deps: KbDeps) =>
  new Elysia()
    .use(adminAuth(deps)).delete("/api/v1/kb/:tenant/documents/:id", async ({ params, request, principal }) => {
    const { tenantId, semantic } = await kbTenant(deps, principal, params.tenant, "admin");
    if (!(await semantic.knowledge.remove(tenantId, params.id))) throw new KonstructError("not_found", `no document '${params.id}'`);
    // htmx swaps the row away with an empty body.
    return request.headers.get("hx-request") === "true" ? new Response("", { status: 200 }) : { deleted: params.id };
  });
