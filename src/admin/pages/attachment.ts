/**
 * GET /admin/attachments/:id: one file a user sent, for operators and up of the tenant that owns it
 * (the store reads under `withTenant`, so another tenant's id is simply not found). Served as a
 * download under its sniffed type with `nosniff` and a sandboxing CSP, so a hostile file never runs
 * as a page of the console's origin; the file name is reduced to safe characters for the header.
 */
import { KonstructError } from "../../errors.ts";
import { uuidParam } from "../forms.ts";
import type { Handler } from "../lazy.ts";
import { pageScope } from "../scope.ts";

export const downloadAttachment: Handler = async (deps, ctx) => {
  const { scope } = await pageScope(deps, ctx, "conversations");
  const store = deps.attachments();
  if (!scope.tenantId || !store) throw new KonstructError("not_found", "no such file");
  const found = await store.open(scope.tenantId, uuidParam(ctx.params.id, "file"));
  if (!found) throw new KonstructError("not_found", "no such file");
  const name = found.row.name.replace(/[^A-Za-z0-9._ -]/g, "_").slice(0, 120) || "file";
  return new Response(found.bytes, {
    headers: {
      "content-type": found.row.mime,
      "content-length": String(found.bytes.byteLength),
      "content-disposition": `attachment; filename="${name}"`,
      "x-content-type-options": "nosniff",
      "content-security-policy": "sandbox; default-src 'none'",
      "cache-control": "private, no-store",
    },
  });
};
