/**
 * A tenant skill's versions: the whole SKILL.md text per save (console edit, upload, rollback).
 * Invariants as for agents (agent.ts): written by the saver, numbered 1, 2, 3… per skill, a save
 * that changes nothing writes no version, and a rollback is itself a new version. Only tenant
 * skills are versioned here: bundled and data-dir skills are files under the operator's control.
 */
import { and, desc, eq } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { type SkillVersion, type SkillVersionSource, skillVersions } from "../db/schema/index.ts";

export async function latestSkillVersion(tx: Tx, tenantId: string, skill: string): Promise<SkillVersion | null> {
  const [v] = await tx
    .select()
    .from(skillVersions)
    .where(and(eq(skillVersions.tenantId, tenantId), eq(skillVersions.skill, skill)))
    .orderBy(desc(skillVersions.version))
    .limit(1);
  return v ?? null;
}

/** Records `text` as the skill's newest version unless it equals the latest; returns the latest number. */
export async function recordSkillVersion(tx: Tx, tenantId: string, skill: string, text: string, author: string, source: SkillVersionSource): Promise<number> {
  const last = await latestSkillVersion(tx, tenantId, skill);
  if (last && last.text === text) return last.version;
  const version = (last?.version ?? 0) + 1;
  // The primary key refuses a second writer that raced to the same number.
  await tx.insert(skillVersions).values({ tenantId, skill, version, text, author: author.slice(0, 200), source });
  return version;
}

export async function listSkillVersions(tx: Tx, tenantId: string, skill: string, limit = 200): Promise<SkillVersion[]> {
  return tx
    .select()
    .from(skillVersions)
    .where(and(eq(skillVersions.tenantId, tenantId), eq(skillVersions.skill, skill)))
    .orderBy(desc(skillVersions.version))
    .limit(limit);
}

export async function getSkillVersion(tx: Tx, tenantId: string, skill: string, version: number): Promise<SkillVersion | null> {
  const [v] = await tx
    .select()
    .from(skillVersions)
    .where(and(eq(skillVersions.tenantId, tenantId), eq(skillVersions.skill, skill), eq(skillVersions.version, version)));
  return v ?? null;
}
