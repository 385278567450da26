/**
 * The `team` kind: name, slug, coordinator and specialists (by agent slug, so the diff reads as the
 * Teams page does), max fan-out. A rollback goes through the Teams page's own checks (writeTeam); an
 * AI employee that no longer exists makes it fail with a message instead of a half-restored team.
 */
import { asc, eq, inArray } from "drizzle-orm";
import { agents, teamMembers, teams } from "../db/schema/index.ts";
import { KonstructError } from "../errors.ts";
import type { VersionedKind } from "./store.ts";

interface TeamSnapshot {
  slug: string;
  name: string;
  coordinator: string;
  max_fanout: number;
  specialists: { agent: string; description: string }[];
}

export const teamKind: VersionedKind = {
  kind: "team",
  noun: "team",
  lock: async (tx, id) => (await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, id)).for("update")).length > 0,
  async snapshot(tx, id) {
    const [t] = await tx.select({ team: teams, coordinator: agents.slug }).from(teams).innerJoin(agents, eq(agents.id, teams.coordinatorId)).where(eq(teams.id, id));
    if (!t) return null;
    const members = await tx
      .select({ agent: agents.slug, description: teamMembers.description })
      .from(teamMembers)
      .innerJoin(agents, eq(agents.id, teamMembers.agentId))
      .where(eq(teamMembers.teamId, id))
      .orderBy(asc(teamMembers.position));
    const config: TeamSnapshot = { slug: t.team.slug, name: t.team.name, coordinator: t.coordinator, max_fanout: t.team.maxFanout, specialists: members };
    return { tenantId: t.team.tenantId, name: t.team.name, config: { ...config } };
  },
  async restore(tx, id, raw) {
    const c = raw as unknown as TeamSnapshot;
    const slugs = [c.coordinator, ...c.specialists.map((m) => m.agent)];
    const found = new Map((await tx.select({ id: agents.id, slug: agents.slug }).from(agents).where(inArray(agents.slug, slugs))).map((a) => [a.slug, a.id]));
    const missing = slugs.find((s) => !found.has(s));
    if (missing) throw new KonstructError("bad_request", `the AI employee '${missing.slice(0, 100)}' of that version no longer exists`);
    const [team] = await tx.select({ tenantId: teams.tenantId }).from(teams).where(eq(teams.id, id));
    // Imported here: the store imports this kind.
    const { writeTeam } = await import("../teams/store.ts");
    const r = await writeTeam(tx, team!.tenantId, id, {
      slug: c.slug,
      name: c.name,
      coordinatorId: found.get(c.coordinator)!,
      maxFanout: c.max_fanout,
      members: c.specialists.map((m) => ({ agentId: found.get(m.agent)!, description: m.description })),
    });
    if ("errors" in r) throw new KonstructError("bad_request", Object.values(r.errors).join("; "));
  },
};
