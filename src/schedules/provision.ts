/**
 * Config as code: `tenants[].schedules[]` upserted by name at start (source 'config'); one the
 * config no longer declares is removed, chat-made ones are never touched. next_run_at is kept
 * unless the cron or time zone changed, so a restart neither re-fires nor skips a due time.
 */
import { and, eq, isNotNull, notInArray } from "drizzle-orm";
import type { ScheduleConfig } from "../config/schema.ts";
import type { Tx } from "../db/database.ts";
import { agents, channels, schedules } from "../db/schema/index.ts";
import { KonstructError } from "../errors.ts";
import { nextRun, validZone } from "./cron.ts";
import { scheduleKind } from "../versions/schedule.ts";
import { recordVersion } from "../versions/store.ts";
import { insertSchedule } from "./store.ts";

export async function upsertSchedules(tx: Tx, tenantId: string, declared: ScheduleConfig[], now = new Date()): Promise<number> {
  for (const c of declared) {
    const [agent] = await tx.select({ id: agents.id }).from(agents).where(eq(agents.slug, c.agent));
    const [channel] = await tx.select({ id: channels.id }).from(channels).where(eq(channels.name, c.channel));
    if (!agent || !channel) throw new KonstructError("config_invalid", `schedule "${c.name}": unknown ${agent ? `channel "${c.channel}"` : `agent "${c.agent}"`}`);
    const tz = validZone(c.time_zone);
    const row = { agentId: agent.id, channelId: channel.id, chatKey: c.chat, replyTo: c.thread || null, ownerUser: c.owner, cron: c.cron, timeZone: tz, instruction: c.instruction, missedPolicy: c.missed_runs, paused: c.paused, source: "config" };
    const [existing] = await tx.select().from(schedules).where(eq(schedules.name, c.name));
    if (!existing) {
      await insertSchedule(tx, { tenantId, name: c.name, ...row }, now);
      continue;
    }
    const moved = existing.cron !== c.cron || existing.timeZone !== tz;
    await tx
      .update(schedules)
      .set({ ...row, ...(moved ? { nextRunAt: nextRun(c.cron, tz, now) } : {}) })
      .where(eq(schedules.id, existing.id));
    await recordVersion(tx, scheduleKind, existing.id, "config", "config");
  }
  const names = declared.map((c) => c.name);
  await tx.delete(schedules).where(and(eq(schedules.source, "config"), isNotNull(schedules.name), ...(names.length ? [notInArray(schedules.name, names)] : [])));
  return declared.length;
}
