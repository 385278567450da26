/**
 * A tenant's business hours row (handoff_hours): read, saved (validated by hours.ts checkHours, the
 * wrong field named and nothing written) and removed in the tenant's transaction, audited with who.
 * No row means "always open": timeouts are wall time and nobody is told of a wait.
 */
import { audit } from "../agent/audit.ts";
import type { Database, Tx } from "../db/database.ts";
import { handoffHours } from "../db/schema/index.ts";
import { type BusinessHours, checkHours, DAYS } from "./hours.ts";

export async function hoursOf(tx: Tx): Promise<BusinessHours | null> {
  const [row] = await tx.select().from(handoffHours);
  return row ? { timezone: row.timezone, week: row.week, holidays: row.holidays, language: row.language, expectedWaitMinutes: row.expectedWaitMinutes } : null;
}

export async function getHours(db: Database, tenantId: string): Promise<BusinessHours | null> {
  return db.withTenant(tenantId, hoursOf);
}

/** Only the seven days, trimmed: nothing else reaches the jsonb column. */
export const normalWeek = (week: Record<string, string | undefined>) => Object.fromEntries(DAYS.map((d) => [d, (week[d] ?? "").trim()]));

export async function saveHours(db: Database, tenantId: string, h: BusinessHours, by: string): Promise<{ field: string; error: string } | null> {
  const clean = { ...h, week: normalWeek(h.week), holidays: [...new Set(h.holidays.map((d) => d.trim()).filter(Boolean))].sort() };
  const wrong = checkHours(clean);
  if (wrong) return wrong;
  await db.withTenant(tenantId, (tx) => writeHours(tx, tenantId, clean, by));
  return null;
}

/** Writes a checked row and its audit entry; shared with config as code. */
export async function writeHours(tx: Tx, tenantId: string, h: BusinessHours, by: string): Promise<void> {
  const row = { tenantId, timezone: h.timezone, week: h.week, holidays: h.holidays, language: h.language, expectedWaitMinutes: h.expectedWaitMinutes ?? null, updatedBy: by, updatedAt: new Date() };
  await tx.insert(handoffHours).values(row).onConflictDoUpdate({ target: handoffHours.tenantId, set: row });
  await audit(tx, { tenantId, kind: "handoff", actor: by, summary: `business hours set (${h.timezone})`, data: { step: "hours", timezone: h.timezone, week: h.week, holidays: h.holidays.length, expectedWaitMinutes: h.expectedWaitMinutes ?? null } });
}

export async function removeHours(db: Database, tenantId: string, by: string): Promise<void> {
  await db.withTenant(tenantId, async (tx) => {
    const gone = await tx.delete(handoffHours).returning({ tz: handoffHours.timezone });
    if (gone.length) await audit(tx, { tenantId, kind: "handoff", actor: by, summary: "business hours removed (always open)", data: { step: "hours", removed: true } });
  });
}
