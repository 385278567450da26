/**
 * The schedule_task tool: the chatting agent sets up recurring work. Without `confirm: true` it
 * only returns the next three run times (nothing is saved), which the agent repeats to the user in
 * words; once the user agrees, the agent calls it again with `confirm: true` and the schedule is
 * saved with this chat and thread as where its results go. Not offered inside a task's own turn.
 */
import type { ToolContext, Tools } from "../agent/tools.ts";
import type { Database } from "../db/database.ts";
import { KonstructError } from "../errors.ts";
import type { ToolCall, ToolSpec } from "../llm/types.ts";
import { formatRun, nextRuns, validZone } from "./cron.ts";
import { insertSchedule } from "./store.ts";

export const SCHEDULE_TASK: ToolSpec = {
  name: "schedule_task",
  description:
    "Schedule recurring background work (a cron expression in a time zone). First call it WITHOUT confirm: it returns the next three run times and saves nothing; " +
    "tell the user those times in words and ask them to confirm. Only after they agree call it again with the same arguments and confirm: true.",
  parameters: {
    type: "object",
    properties: {
      cron: { type: "string", minLength: 1, maxLength: 120, description: "Five-field cron: minute hour day-of-month month day-of-week, e.g. '0 9 * * 1-5'" },
      timezone: { type: "string", maxLength: 64, description: "IANA time zone of the user, e.g. Europe/Berlin (default UTC)" },
      instruction: { type: "string", minLength: 1, maxLength: 4000, description: "What each run must do, self-contained" },
      missed_runs: { type: "string", enum: ["run_once", "skip"], description: "If runs were missed (appliance down, paused): run_once = one catch-up run (default), skip = none" },
      confirm: { type: "boolean", description: "true only after the user confirmed the previewed run times" },
    },
    required: ["cron", "instruction"],
    additionalProperties: false,
  },
};

/** `changed`: a schedule was saved with this first due time (the ticker wakes by then). */
export function createScheduleTask(deps: { db: Database; now?: () => Date; changed?: (at: Date) => void }): Tools {
  return {
    specs: (ctx?: ToolContext) => (ctx?.turn?.taskId ? [] : [SCHEDULE_TASK]),
    async run(call: ToolCall, ctx: ToolContext) {
      const turn = ctx.turn;
      if (!turn || turn.taskId) return "error: schedule_task works only inside a chat conversation";
      const a = call.arguments as { cron: string; timezone?: string; instruction: string; missed_runs?: "run_once" | "skip"; confirm?: boolean };
      const now = (deps.now ?? (() => new Date()))();
      const tz = a.timezone?.trim() || "UTC";
      let preview: string[];
      try {
        preview = nextRuns(a.cron, validZone(tz), now, 3).map((d) => formatRun(d, tz));
      } catch (e) {
        if (e instanceof KonstructError) return `error: ${e.message}`;
        throw e;
      }
      if (!preview.length) return `error: cron expression "${a.cron}" never runs`;
      const times = preview.map((p) => `• ${p}`).join("\n");
      if (a.confirm !== true) return `preview (not saved). Next runs:\n${times}\nTell the user these times in words and ask them to confirm; then call schedule_task again with confirm: true.`;
      const s = await deps.db.withTenant(ctx.tenantId, (tx) =>
        insertSchedule(
          tx,
          {
            tenantId: ctx.tenantId,
            agentId: ctx.agentId,
            ownerUser: turn.requestedBy,
            conversationId: ctx.conversationId,
            channelId: turn.channelId,
            chatKey: turn.chatKey,
            replyTo: turn.replyTo ?? null,
            cron: a.cron.trim(),
            timeZone: tz,
            instruction: a.instruction,
            missedPolicy: a.missed_runs ?? "run_once",
          },
          now,
        ),
      );
      deps.changed?.(s.nextRunAt);
      return `saved: schedule #${s.number}. Next runs:\n${times}\nTell the user it is set up (they can list it with /schedules and stop it with /schedules pause ${s.number} or /schedules delete ${s.number}).`;
    },
  };
}
