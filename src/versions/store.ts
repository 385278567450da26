/**
 * One mechanism for every versioned kind. Invariants: called inside the change's own transaction
 * (withTenant); a kind's snapshot holds only editable configuration (no ids of its own, times, runtime
 * state) and never a secret's value; version numbers per object are 1, 2, 3… with no gaps; a write
 * that changes nothing writes no version.
 */
import { and, desc, eq } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { type ConfigVersion, configVersions, type VersionSource } from "../db/schema/index.ts";
import { KonstructError } from "../errors.ts";

export interface VersionedKind {
  /** Stored in config_versions.kind and used in URLs: /admin/history/<kind>/<id>. */
  kind: string;
  /** "AI employee", "team"… for messages and page titles. */
  noun: string;
  /** Locks the object's row for the rest of the transaction; false when there is no such object. */
  lock(tx: Tx, id: string): Promise<boolean>;
  /** The object's editable configuration now, or null when it is gone. */
  snapshot(tx: Tx, id: string): Promise<{ tenantId: string; name: string; config: Record<string, unknown> } | null>;
  /** Sets the object back to a snapshot (rollback); may throw a field-level KonstructError. */
  restore(tx: Tx, id: string, config: Record<string, unknown>): Promise<void>;
}

export const staleMessage = (noun: string) => `someone else saved this ${noun} after you opened it: reload the page to see their change, then make yours again`;

const of = (k: VersionedKind, id: string) => and(eq(configVersions.kind, k.kind), eq(configVersions.objectId, id));

export async function latest(tx: Tx, k: VersionedKind, id: string): Promise<ConfigVersion | null> {
  const [v] = await tx.select().from(configVersions).where(of(k, id)).orderBy(desc(configVersions.version)).limit(1);
  return v ?? null;
}

/** Locks the object and, with `expected`, refuses a save made from an older version (0 = no history yet). */
export async function lockVersioned(tx: Tx, k: VersionedKind, id: string, expected?: number): Promise<number> {
  if (!(await k.lock(tx, id))) throw new KonstructError("not_found", `no such ${k.noun}`);
  const current = (await latest(tx, k, id))?.version ?? 0;
  if (expected !== undefined && expected !== current) throw new KonstructError("conflict", staleMessage(k.noun));
  return current;
}

/** Writes the object's current state as a new version unless it equals the latest; returns the latest number. */
export async function recordVersion(tx: Tx, k: VersionedKind, id: string, author: string, source: VersionSource): Promise<number> {
  const now = await k.snapshot(tx, id);
  if (!now) throw new KonstructError("not_found", `no such ${k.noun}`);
  const last = await latest(tx, k, id);
  // jsonb reorders keys; a deep comparison is what "nothing changed" means.
  if (last && Bun.deepEquals(normal(last.config), normal(now.config))) return last.version;
  const version = (last?.version ?? 0) + 1;
  await tx.insert(configVersions).values({ tenantId: now.tenantId, kind: k.kind, objectId: id, version, config: now.config, author: author.slice(0, 200), source });
  return version;
}

/** Undefined-free, as jsonb stores it. */
const normal = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

export function listVersions(tx: Tx, k: VersionedKind, id: string, limit = 200): Promise<ConfigVersion[]> {
  return tx.select().from(configVersions).where(of(k, id)).orderBy(desc(configVersions.version)).limit(limit);
}

/** Sets the object back to `version`'s configuration; the result is a new version (source rollback). */
export async function rollback(tx: Tx, k: VersionedKind, id: string, version: number, author: string): Promise<number> {
  await lockVersioned(tx, k, id);
  const [v] = await tx.select().from(configVersions).where(and(of(k, id), eq(configVersions.version, version)));
  if (!v) throw new KonstructError("not_found", "no such version");
  await k.restore(tx, id, v.config);
  return recordVersion(tx, k, id, author, "rollback");
}
