/**
 * /schedules (a user's schedules with the agent they talk to) and `/schedules pause|resume|delete N`.
 * Only the owner's own schedules are found; a resumed schedule's missed due times are handled by
 * the ticker under its missed-run policy.
 */
import type { Database } from "../db/database.ts";
import type { Schedule } from "../db/schema/index.ts";
import { formatRun } from "./cron.ts";
import { deleteSchedule, schedulesOf, setPaused } from "./store.ts";

export const SCHEDULE_ARGS = /^(pause|resume|delete)\s+#?(\d{1,9})$/i;

/** `changed`: a schedule was resumed and is due at this time (the ticker wakes by then). */
export function scheduleCommand(db: Database, changed?: (at: Date) => void) {
  return async (tenantId: string, agentId: string, user: string, args?: string): Promise<string> => {
    const owner = { agentId, ownerUser: user };
    const m = args ? SCHEDULE_ARGS.exec(args.trim()) : null;
    if (!m) {
      const rows = await db.withTenant(tenantId, (tx) => schedulesOf(tx, owner));
      if (!rows.length) return "You have no schedules.";
      return ["Your schedules:", ...rows.map((s) => `• ${line(s)}`)].join("\n");
    }
    const [verb, n] = [m[1]!.toLowerCase(), Number(m[2])];
    const s = await db.withTenant(tenantId, (tx) => (verb === "delete" ? deleteSchedule(tx, owner, n) : setPaused(tx, owner, n, verb === "pause", { author: user, source: "chat" })));
    if (!s) return `There is no schedule #${n} of yours.`;
    if (verb === "resume") changed?.(s.nextRunAt);
    return verb === "delete" ? `Deleted schedule #${n}.` : verb === "pause" ? `Paused schedule #${n}.` : `Resumed schedule #${n}; next run ${formatRun(s.nextRunAt, s.timeZone)}.`;
  };
}

function line(s: Schedule): string {
  const what = s.instruction.length > 60 ? `${s.instruction.slice(0, 59)}…` : s.instruction;
  const state = s.paused ? "paused" : `next ${formatRun(s.nextRunAt, s.timeZone)}`;
  return `#${s.number} \`${s.cron}\` ${s.timeZone} · ${state} — ${what}`;
}
