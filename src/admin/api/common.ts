/**
 * Shared by the /api/v1 handlers: the tenant a request acts on (guarded exactly like the pages,
 * via access.ts), body validation with the reason in the 400, and keyset pagination.
 */
import { eq } from "drizzle-orm";
import type { z } from "zod";
import type { Database } from "../../db/database.ts";
import { tenants } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import { type Area, requireArea } from "../access.ts";
import type { Principal } from "../auth/principal.ts";
import { database, idParam } from "../request.ts";

export interface ApiDeps {
  db: () => Database | null;
}

/** Guards the area for that tenant (401/403), then 404 if the tenant does not exist. */
export async function tenantScope(deps: ApiDeps, p: Principal | null, area: Area, tenantParam: string | undefined) {
  const tenantId = idParam(tenantParam, "tenant");
  const who = requireArea(p, area, tenantId);
  const db = database(deps);
  const [t] = await db.platform((tx) => tx.select({ id: tenants.id, source: tenants.source }).from(tenants).where(eq(tenants.id, tenantId)));
  if (!t) throw new KonstructError("not_found", "no such tenant");
  return { db, tenantId, principal: who };
}

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new KonstructError("bad_request", `${issue.path.join(".") || "body"}: ${issue.message}`);
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

export function limitParam(v: string | undefined): number {
  if (v === undefined || v === "") return DEFAULT_LIMIT;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw new KonstructError("bad_request", `limit: an integer from 1 to ${MAX_LIMIT}`);
  return n;
}

/** Opaque cursor for "older than this row": the row's time and id. */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString("base64url");
}

export function decodeCursor(v: string | undefined): { at: Date; id: string } | null {
  if (!v) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(v, "base64url").toString()) as [string, string];
    const d = new Date(at);
    if (Number.isNaN(d.getTime())) throw new Error("bad time");
    return { at: d, id: idParam(id) };
  } catch {
    throw new KonstructError("bad_request", "cursor: not a cursor from a previous page");
  }
}

export function timeParam(v: string | undefined, name: string): Date | null {
  if (!v) return null;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new KonstructError("bad_request", `${name}: not an ISO 8601 time`);
  return d;
}

export function page<T>(rows: T[], limit: number, cursorOf: (row: T) => string): { items: T[]; next: string | null } {
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit ? cursorOf(items[items.length - 1]!) : null };
}
