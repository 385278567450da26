/**
 * Shared by the knowledge-base routes: the tenant from the `:tenant` path segment (slug or id) and
 * the knowledge service. Every handler runs behind adminAuth and names what it needs: reading (list,
 * progress, search) is for anyone who may read the tenant, uploads and deletes for its admins.
 * An unknown tenant and a tenant the caller may not see answer alike (403), so slugs do not leak.
 */
import { eq, or } from "drizzle-orm";
import type { Semantic } from "../../../app/semantic.ts";
import type { Database } from "../../../db/database.ts";
import { tenants } from "../../../db/schema/index.ts";
import { type AdminAuthDeps } from "../../../admin/auth/plugin.ts";
import { type Principal, requireAdmin, requireRead } from "../../../admin/auth/principal.ts";
import type { DiskSpace } from "../../../db/disk-space.ts";
import { KonstructError } from "../../../errors.ts";
import { isUuid, type Upload } from "../../../knowledge/knowledge.ts";

export type KbDeps = AdminAuthDeps & {
  db: () => Database | null;
  knowledge: () => Semantic | null;
  disk: DiskSpace;
};

export async function kbTenant(
  deps: KbDeps,
  principal: Principal | null,
  param: string,
  need: "read" | "admin",
): Promise<{ tenantId: string; slug: string; semantic: Semantic }> {
  const guard = need === "admin" ? requireAdmin : requireRead;
  guard(principal);
  const db = deps.db();
  const semantic = deps.knowledge();
  if (!db || !semantic) throw new KonstructError("db_unavailable", "starting");
  const [t] = await db.platform((tx) =>
    tx.select({ id: tenants.id, slug: tenants.slug }).from(tenants).where(isUuid(param) ? or(eq(tenants.id, param), eq(tenants.slug, param)) : eq(tenants.slug, param)),
  );
  if (!t) throw new KonstructError("forbidden", "not allowed for this tenant");
  guard(principal, t.id);
  return { tenantId: t.id, slug: t.slug, semantic };
}

/**
 * The `file` fields of a multipart upload (none when the body is not multipart). Elysia has parsed
 * the body already (adminAuth's CSRF check reads it; http/body-limit.ts bounded its total size
 * before that): one file is a Blob, several an array. More than `maxFiles` files are refused.
 */
export async function uploadedFiles(body: unknown, maxFiles: number): Promise<Upload[]> {
  const field = body && typeof body === "object" ? (body as Record<string, unknown>).file : undefined;
  const blobs = Array.isArray(field) ? field : field === undefined ? [] : [field];
  if (blobs.length > maxFiles) throw new KonstructError("too_large", `at most ${maxFiles} files per upload (got ${blobs.length})`);
  const out: Upload[] = [];
  for (const f of blobs) {
    if (!(f instanceof Blob)) continue;
    const blob = f as Blob & { name?: string };
    out.push({ filename: blob.name || "upload", mime: blob.type, bytes: new Uint8Array(await blob.arrayBuffer()) });
  }
  return out;
}

export const totalBytes = (files: Upload[]) => files.reduce((n, f) => n + f.bytes.byteLength, 0);
