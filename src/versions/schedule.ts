/**
 * The `schedule` kind: what a schedule does and when (agent by slug, cron, zone, instruction, missed-run
 * policy, paused). Not versioned: its due times and runs (runtime state), where it answers (set when it
 * was made, never edited). A rollback that moves the cron or zone computes the next due time afresh.
 */
import { eq } from "drizzle-orm";
import { agents, schedules } from "../db/schema/index.ts";
import type { MissedPolicy } from "../db/schema/index.ts";
import { KonstructError } from "../errors.ts";
import { nextRun, validZone } from "../schedules/cron.ts";
import type { VersionedKind } from "./store.ts";

export const scheduleKind: VersionedKind = {
  kind: "schedule",
  noun: "schedule",
  lock: async (tx, id) => (await tx.select({ id: schedules.id }).from(schedules).where(eq(schedules.id, id)).for("update")).length > 0,
  async snapshot(tx, id) {
    const [row] = await tx.select({ s: schedules, agent: agents.slug }).from(schedules).innerJoin(agents, eq(agents.id, schedules.agentId)).where(eq(schedules.id, id));
    if (!row) return null;
    const s = row.s;
    const config = { agent: row.agent, cron: s.cron, time_zone: s.timeZone, instruction: s.instruction, missed_runs: s.missedPolicy, paused: s.paused };
    return { tenantId: s.tenantId, name: s.name ?? `#${s.number}`, config };
  },
  async restore(tx, id, c) {
    const [s] = await tx.select().from(schedules).where(eq(schedules.id, id));
    const [agent] = await tx.select({ id: agents.id }).from(agents).where(eq(agents.slug, String(c.agent)));
    if (!s || !agent) throw new KonstructError("bad_request", `the AI employee '${String(c.agent).slice(0, 100)}' of that version no longer exists`);
    const cron = String(c.cron);
    const tz = validZone(String(c.time_zone));
    const moved = cron !== s.cron || tz !== s.timeZone;
    const values = { agentId: agent.id, cron, timeZone: tz, instruction: String(c.instruction), missedPolicy: c.missed_runs as MissedPolicy, paused: Boolean(c.paused) };
    await tx.update(schedules).set({ ...values, ...(moved ? { nextRunAt: nextRun(cron, tz, new Date()) } : {}) }).where(eq(schedules.id, id));
  },
};
