/**
 * Config as code: `tenants[].teams[]` upserted by slug at start (the schema has already refused
 * unknown agents, a coordinator among its specialists, duplicates). An unchanged team writes
 * nothing. Teams carry no `source` column, so a team the config no longer declares is left in
 * place (the console may have made or edited it) and only reported — deleting is the console's.
 * `channels[]` point existing channels of the tenant (config- or console-made) at the coordinator.
 */
import { eq, inArray, ne, and } from "drizzle-orm";
import type { TeamConfig } from "../config/schema.ts";
import type { Tx } from "../db/database.ts";
import { agents, channels, teamMembers, teams } from "../db/schema/index.ts";
import { KonstructError } from "../errors.ts";
import { recordVersion } from "../versions/store.ts";
import { teamKind } from "../versions/team.ts";
import { touch } from "./store.ts";

export interface TeamsApplied {
  written: number;
  /** Slugs of teams in the database that the config does not declare (left in place). */
  undeclared: string[];
}

export async function upsertTeams(tx: Tx, tenantId: string, tenantSlug: string, declared: TeamConfig[]): Promise<TeamsApplied> {
  const result: TeamsApplied = { written: 0, undeclared: [] };
  const slugs = [...new Set(declared.flatMap((t) => [t.coordinator, ...t.specialists.map((s) => s.agent)]))];
  const ids = new Map((slugs.length ? await tx.select({ id: agents.id, slug: agents.slug }).from(agents).where(inArray(agents.slug, slugs)) : []).map((a) => [a.slug, a.id]));
  const existing = await tx.select().from(teams);
  for (const [i, c] of declared.entries()) {
    const at = `tenants[${tenantSlug}].teams[${i}]`;
    const agentId = (slug: string, key: string) => {
      const id = ids.get(slug);
      if (!id) throw new KonstructError("config_invalid", `${at}.${key}: unknown agent '${slug}'`);
      return id;
    };
    const coordinatorId = agentId(c.coordinator, "coordinator");
    const members = c.specialists.map((s, si) => ({ agentId: agentId(s.agent, `specialists[${si}].agent`), description: s.description }));
    const clash = existing.find((t) => t.slug !== c.slug && (t.coordinatorId === coordinatorId || members.some((m) => m.agentId === t.coordinatorId)));
    if (clash) throw new KonstructError("config_invalid", `${at}: an agent of this team already coordinates team '${clash.slug}' (made in the console?)`);
    const values = { slug: c.slug, name: c.name, coordinatorId, maxFanout: c.max_fanout };
    let team = existing.find((t) => t.slug === c.slug);
    const before = team ? await tx.select().from(teamMembers).where(eq(teamMembers.teamId, team.id)).orderBy(teamMembers.position) : [];
    const same =
      team &&
      team.name === c.name &&
      team.coordinatorId === coordinatorId &&
      team.maxFanout === c.max_fanout &&
      before.length === members.length &&
      before.every((b, bi) => b.agentId === members[bi]!.agentId && b.description === members[bi]!.description);
    if (!same) {
      if (team) {
        await tx.update(teams).set({ ...values, updatedAt: new Date() }).where(eq(teams.id, team.id));
        await tx.delete(teamMembers).where(eq(teamMembers.teamId, team.id));
      } else team = (await tx.insert(teams).values({ tenantId, ...values }).returning())[0]!;
      if (members.length) await tx.insert(teamMembers).values(members.map((m, p) => ({ tenantId, teamId: team!.id, ...m, position: p })));
      result.written++;
      touch(tenantId);
    }
    // Unchanged at restart = no new version (recordVersion compares with the latest).
    await recordVersion(tx, teamKind, team!.id, "config", "config");
    for (const [ci, name] of c.channels.entries()) {
      const [ch] = await tx.select({ id: channels.id, agentId: channels.agentId }).from(channels).where(eq(channels.name, name));
      if (!ch) throw new KonstructError("config_invalid", `${at}.channels[${ci}]: no channel named '${name}' in this tenant`);
      if (ch.agentId !== coordinatorId) await tx.update(channels).set({ agentId: coordinatorId }).where(and(eq(channels.id, ch.id), ne(channels.agentId, coordinatorId)));
    }
  }
  const names = new Set(declared.map((t) => t.slug));
  result.undeclared = existing.filter((t) => !names.has(t.slug)).map((t) => t.slug);
  return result;
}
