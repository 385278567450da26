/**
 * Teams in the database: the coordinator's team with its specialists (what a turn needs), and the
 * writes behind the Teams page. Every read and write is inside `db.withTenant` (FORCE RLS). Saving
 * checks what the foreign keys cannot: the coordinator is not also a specialist, specialists are
 * distinct, and a specialist does not coordinate a team of its own (delegation is one level deep).
 */
import { and, asc, eq, inArray, ne, sql } from "drizzle-orm";
import type { Database, Tx } from "../db/database.ts";
import { type Agent, agents, type Team, teamMembers, teams, type VersionSource } from "../db/schema/index.ts";
import { KonstructError } from "../errors.ts";
import { lockVersioned, recordVersion } from "../versions/store.ts";
import { teamKind } from "../versions/team.ts";

export const MAX_SPECIALISTS = 12;

/** Bumped by every save and delete in this process, so TeamDirectory's cache drops the tenant at once. */
export const teamsChanged = new Map<string, number>();
export const touch = (tenantId: string) => teamsChanged.set(tenantId, (teamsChanged.get(tenantId) ?? 0) + 1);
export const MAX_FANOUT = 10;

export interface Specialist {
  agent: Agent;
  description: string;
}

export interface LoadedTeam {
  team: Team;
  coordinator: Agent;
  specialists: Specialist[];
}

/** The team `agentId` coordinates, or null (one indexed lookup for the common case: no team). */
export async function teamOfCoordinator(tx: Tx, agentId: string): Promise<LoadedTeam | null> {
  const [team] = await tx.select().from(teams).where(eq(teams.coordinatorId, agentId));
  return team ? loadMembers(tx, team) : null;
}

async function loadMembers(tx: Tx, team: Team): Promise<LoadedTeam> {
  const rows = await tx
    .select({ agent: agents, description: teamMembers.description })
    .from(teamMembers)
    .innerJoin(agents, and(eq(agents.tenantId, teamMembers.tenantId), eq(agents.id, teamMembers.agentId)))
    .where(eq(teamMembers.teamId, team.id))
    .orderBy(asc(teamMembers.position));
  const [coordinator] = await tx.select().from(agents).where(eq(agents.id, team.coordinatorId));
  return { team, coordinator: coordinator!, specialists: rows };
}

export interface TeamInput {
  slug: string;
  name: string;
  coordinatorId: string;
  maxFanout: number;
  members: { agentId: string; description: string }[];
}

export function listTeams(db: Database, tenantId: string): Promise<LoadedTeam[]> {
  return db.withTenant(tenantId, async (tx) => Promise.all((await tx.select().from(teams).orderBy(asc(teams.name))).map((t) => loadMembers(tx, t))));
}

export async function getTeam(db: Database, tenantId: string, id: string): Promise<LoadedTeam> {
  const t = await db.withTenant(tenantId, async (tx) => {
    const [team] = await tx.select().from(teams).where(eq(teams.id, id));
    return team ? loadMembers(tx, team) : null;
  });
  if (!t) throw new KonstructError("not_found", "no such team");
  return t;
}

/** Who saves (src/versions/): `expected` refuses a save made from a stale form. */
export interface TeamSaveBy {
  author: string;
  source: VersionSource;
  expected?: number;
}

type Saved = { id: string } | { errors: Record<string, string> };

/** Creates or replaces, with a new version in the same transaction; problems come back by field (the Teams page shows them next to it). */
export async function saveTeam(db: Database, tenantId: string, id: string | null, f: TeamInput, by: TeamSaveBy = { author: "console", source: "console" }): Promise<Saved> {
  return db.withTenant(tenantId, async (tx): Promise<Saved> => {
    if (id) {
      try {
        await lockVersioned(tx, teamKind, id, by.expected);
      } catch (e) {
        if (e instanceof KonstructError && e.code === "conflict") return { errors: { version: e.message } };
        throw e;
      }
    }
    const r = await writeTeam(tx, tenantId, id, f);
    if ("id" in r) await recordVersion(tx, teamKind, r.id, by.author, by.source);
    return r;
  });
}

/** The checks and the write, inside the caller's transaction (also a rollback's). */
export async function writeTeam(tx: Tx, tenantId: string, id: string | null, f: TeamInput): Promise<Saved> {
  const ids = f.members.map((m) => m.agentId);
  if (new Set(ids).size !== ids.length) return { errors: { members: "a specialist is listed twice" } };
  if (ids.includes(f.coordinatorId)) return { errors: { members: "the coordinator cannot also be one of its specialists" } };
  const known = await tx.select({ id: agents.id }).from(agents).where(inArray(agents.id, [f.coordinatorId, ...ids]));
  if (known.length !== ids.length + 1) return { errors: { members: "every member must be an AI employee of this tenant" } };
  const clash = await tx.select({ slug: teams.slug, coordinatorId: teams.coordinatorId }).from(teams).where(id ? ne(teams.id, id) : sql`true`);
  if (clash.some((t) => t.slug === f.slug)) return { errors: { slug: "another team of this tenant has this slug" } };
  if (clash.some((t) => t.coordinatorId === f.coordinatorId)) return { errors: { coordinator: "this AI employee already coordinates another team" } };
  if (clash.some((t) => ids.includes(t.coordinatorId))) return { errors: { members: "a specialist cannot coordinate a team of its own (delegation is one level deep)" } };
  const coordinatesMember = await tx.select({ n: sql<number>`count(*)::int` }).from(teamMembers).where(and(eq(teamMembers.agentId, f.coordinatorId), id ? ne(teamMembers.teamId, id) : sql`true`));
  if (coordinatesMember[0]!.n > 0) return { errors: { coordinator: "a specialist of another team cannot coordinate (delegation is one level deep)" } };
  const values = { slug: f.slug, name: f.name, coordinatorId: f.coordinatorId, maxFanout: f.maxFanout };
  let teamId = id;
  if (teamId) {
    const [row] = await tx.update(teams).set({ ...values, updatedAt: sql`now()` }).where(eq(teams.id, teamId)).returning({ id: teams.id });
    if (!row) throw new KonstructError("not_found", "no such team");
    await tx.delete(teamMembers).where(eq(teamMembers.teamId, teamId));
  } else {
    teamId = (await tx.insert(teams).values({ tenantId, ...values }).returning({ id: teams.id }))[0]!.id;
  }
  touch(tenantId);
  if (f.members.length) await tx.insert(teamMembers).values(f.members.map((m, i) => ({ tenantId, teamId: teamId!, agentId: m.agentId, description: m.description, position: i })));
  return { id: teamId };
}

export async function deleteTeam(db: Database, tenantId: string, id: string): Promise<void> {
  await db.withTenant(tenantId, (tx) => tx.delete(teams).where(eq(teams.id, id)));
  touch(tenantId);
}
