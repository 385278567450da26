/**
 * The `skill` kind of versioned configuration: a tenant skill's whole SKILL.md text per save
 * (console edit, upload, rollback), in config_versions like every other kind. Invariants as in
 * store.ts: written by the saver, numbered 1, 2, 3… per skill, a save that changes nothing writes
 * no version, and a rollback is itself a new version. A skill has no row of its own (the file is
 * the live copy), so its object id is derived from tenant and name — md5("<tenant>:<name>") as a
 * uuid, the same expression migration 0044 used to move the old skill_versions rows here. Only
 * tenant skills are versioned: bundled and data-dir skills are files under the operator's control.
 */
import { createHash } from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { configVersions, type VersionSource } from "../db/schema/index.ts";

export const SKILL_KIND = "skill";

export interface SkillVersion {
  version: number;
  text: string;
  author: string;
  source: VersionSource;
  createdAt: Date;
}

/** The skill's object id in config_versions. */
export function skillObjectId(tenantId: string, skill: string): string {
  const h = createHash("md5").update(`${tenantId}:${skill}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const of = (tenantId: string, skill: string) => and(eq(configVersions.kind, SKILL_KIND), eq(configVersions.objectId, skillObjectId(tenantId, skill)));

const asSkillVersion = (v: typeof configVersions.$inferSelect): SkillVersion => ({
  version: v.version,
  text: String((v.config as { text?: unknown }).text ?? ""),
  author: v.author,
  source: v.source,
  createdAt: v.createdAt,
});

export async function latestSkillVersion(tx: Tx, tenantId: string, skill: string): Promise<SkillVersion | null> {
  const [v] = await tx.select().from(configVersions).where(of(tenantId, skill)).orderBy(desc(configVersions.version)).limit(1);
  return v ? asSkillVersion(v) : null;
}

/** Records `text` as the skill's newest version unless it equals the latest; returns the latest number. */
export async function recordSkillVersion(tx: Tx, tenantId: string, skill: string, text: string, author: string, source: VersionSource): Promise<number> {
  const last = await latestSkillVersion(tx, tenantId, skill);
  if (last && last.text === text) return last.version;
  const version = (last?.version ?? 0) + 1;
  // The primary key refuses a second writer that raced to the same number.
  await tx.insert(configVersions).values({ tenantId, kind: SKILL_KIND, objectId: skillObjectId(tenantId, skill), version, config: { name: skill, text }, author: author.slice(0, 200), source });
  return version;
}

export async function listSkillVersions(tx: Tx, tenantId: string, skill: string, limit = 200): Promise<SkillVersion[]> {
  const rows = await tx.select().from(configVersions).where(of(tenantId, skill)).orderBy(desc(configVersions.version)).limit(limit);
  return rows.map(asSkillVersion);
}

export async function getSkillVersion(tx: Tx, tenantId: string, skill: string, version: number): Promise<SkillVersion | null> {
  const [v] = await tx.select().from(configVersions).where(and(of(tenantId, skill), eq(configVersions.version, version)));
  return v ? asSkillVersion(v) : null;
}
