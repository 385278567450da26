/**
 * Canned replies: a tenant's saved answers (canned_replies, tenant-owned, FORCE RLS) that its people
 * insert into the console inbox's reply box. Tenant admins write them in the console
 * (/admin/inbox/canned) or declare them as code (`tenants[].escalation.canned_replies`, upserted by
 * title: an unchanged one writes nothing). Every write runs in the tenant's transaction (another
 * tenant's id names nothing) and is audited with who; bounds are checked here and by the table.
 */
import { and, asc, eq, ne, sql } from "drizzle-orm";
import { audit } from "../agent/audit.ts";
import type { Database, Tx } from "../db/database.ts";
import { type CannedReply, cannedReplies } from "../db/schema/index.ts";

export const CANNED_TITLE_MAX = 80;
export const CANNED_BODY_MAX = 4000;
/** A tenant's list stays short enough to pick from a menu. */
export const CANNED_MAX = 200;

export type CannedInput = { title: string; body: string };

export async function listCanned(db: Database, tenantId: string): Promise<CannedReply[]> {
  return db.withTenant(tenantId, (tx) => tx.select().from(cannedReplies).orderBy(asc(cannedReplies.title)).limit(CANNED_MAX));
}

export async function findCanned(db: Database, tenantId: string, id: string): Promise<CannedReply | null> {
  const [row] = await db.withTenant(tenantId, (tx) => tx.select().from(cannedReplies).where(eq(cannedReplies.id, id)));
  return row ?? null;
}

/** The field that is wrong and why, or null. */
export function checkCanned(c: CannedInput): { field: "title" | "body"; error: string } | null {
  if (!c.title.trim() || c.title.length > CANNED_TITLE_MAX) return { field: "title", error: `1–${CANNED_TITLE_MAX} characters` };
  if (!c.body.trim() || c.body.length > CANNED_BODY_MAX) return { field: "body", error: `1–${CANNED_BODY_MAX} characters` };
  return null;
}

/** Creates (no id) or changes one; a field error when it is invalid or its title is taken. */
export async function saveCanned(db: Database, tenantId: string, id: string | null, c: CannedInput, by: string): Promise<{ field: string; error: string } | null> {
  const input = { title: c.title.trim(), body: c.body.trim() };
  const wrong = checkCanned(input);
  if (wrong) return wrong;
  return db.withTenant(tenantId, async (tx) => {
    const [taken] = await tx.select({ id: cannedReplies.id }).from(cannedReplies).where(and(eq(cannedReplies.title, input.title), id ? ne(cannedReplies.id, id) : undefined));
    if (taken) return { field: "title", error: "another canned reply has this title" };
    if (!id) {
      const [count] = await tx.select({ n: sql<number>`count(*)::int` }).from(cannedReplies);
      if ((count?.n ?? 0) >= CANNED_MAX) return { field: "title", error: `at most ${CANNED_MAX} canned replies` };
    }
    const row = { ...input, updatedBy: by, updatedAt: new Date() };
    const [saved] = id
      ? await tx.update(cannedReplies).set(row).where(eq(cannedReplies.id, id)).returning({ id: cannedReplies.id })
      : await tx.insert(cannedReplies).values({ tenantId, ...row }).returning({ id: cannedReplies.id });
    if (!saved) return { field: "title", error: "no such canned reply (removed meanwhile?)" };
    await audit(tx, { tenantId, kind: "handoff", actor: by, summary: `canned reply ${id ? "changed" : "added"}: ${input.title}`, data: { step: "canned", canned: saved.id } });
    return null;
  });
}

export async function removeCanned(db: Database, tenantId: string, id: string, by: string): Promise<boolean> {
  return db.withTenant(tenantId, async (tx) => {
    const [gone] = await tx.delete(cannedReplies).where(eq(cannedReplies.id, id)).returning({ title: cannedReplies.title });
    if (gone) await audit(tx, { tenantId, kind: "handoff", actor: by, summary: `canned reply removed: ${gone.title}`, data: { step: "canned", canned: id, removed: true } });
    return Boolean(gone);
  });
}

/** Config as code: upserts the declared ones by title in the provisioning transaction; returns how many were written. */
export async function upsertCanned(tx: Tx, tenantId: string, declared: CannedInput[]): Promise<number> {
  let written = 0;
  for (const c of declared) {
    const [have] = await tx.select().from(cannedReplies).where(eq(cannedReplies.title, c.title));
    if (have?.body === c.body) continue;
    await tx.insert(cannedReplies).values({ tenantId, title: c.title, body: c.body, updatedBy: "config", updatedAt: new Date() })
      .onConflictDoUpdate({ target: [cannedReplies.tenantId, cannedReplies.title], set: { body: c.body, updatedBy: "config", updatedAt: new Date() } });
    written++;
  }
  return written;
}
