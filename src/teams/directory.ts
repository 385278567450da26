/**
 * Which agents coordinate a team, per tenant, cached in the process for `ttlMs` so the turn hot path
 * (every agent's turn asks "am I a coordinator?") costs no query most of the time. A save in this
 * process (store.ts teamsChanged) drops the tenant's entry at once; other replicas see a change within `ttlMs`.
 */
import { eq } from "drizzle-orm";
import type { Database } from "../db/database.ts";
import { teams } from "../db/schema/index.ts";
import { type LoadedTeam, teamOfCoordinator, teamsChanged } from "./store.ts";

export class TeamDirectory {
  private readonly coordinators = new Map<string, { at: number; stamp: number; ids: Promise<Set<string>> }>();

  constructor(
    private readonly db: Database,
    private readonly ttlMs = 10_000,
  ) {}

  /** The team `agentId` coordinates (its specialists loaded), or null. */
  async teamOf(tenantId: string, agentId: string): Promise<LoadedTeam | null> {
    if (!(await this.coordinatorIds(tenantId)).has(agentId)) return null;
    return this.db.withTenant(tenantId, (tx) => teamOfCoordinator(tx, agentId));
  }

  invalidate(tenantId: string): void {
    this.coordinators.delete(tenantId);
  }

  private coordinatorIds(tenantId: string): Promise<Set<string>> {
    const hit = this.coordinators.get(tenantId);
    const stamp = teamsChanged.get(tenantId) ?? 0;
    if (hit && hit.stamp === stamp && Date.now() - hit.at < this.ttlMs) return hit.ids;
    if (this.coordinators.size > 10_000) this.coordinators.clear();
    const ids = this.db.withTenant(tenantId, async (tx) => new Set((await tx.select({ id: teams.coordinatorId }).from(teams).where(eq(teams.tenantId, tenantId))).map((r) => r.id)));
    ids.catch(() => this.coordinators.delete(tenantId));
    this.coordinators.set(tenantId, { at: Date.now(), stamp, ids });
    return ids;
  }
}
