/**
 * Schedules, assembled for the composition root: the schedule_task tool, the /schedules command
 * and the ticker (started once the gateway runs; see README.md).
 */
import type { Logger } from "pino";
import type { Database } from "../db/database.ts";
import { scheduleCommand } from "./commands.ts";
import { ScheduleTicker } from "./ticker.ts";
import { createScheduleTask } from "./tool.ts";

export type Schedules = ReturnType<typeof createSchedules>;

export function createSchedules(o: { db: Database; log: Logger; enqueue(tenantId: string, taskIds: string[]): Promise<void>; warm?(): Promise<void>; now?: () => Date }) {
  const log = o.log.child({ part: "schedules" });
  const ticker = new ScheduleTicker({ db: o.db, log, enqueue: o.enqueue, warm: o.warm, now: o.now });
  return {
    ticker,
    tool: { provider: createScheduleTask({ db: o.db, now: o.now, changed: (at) => ticker.wake(at) }), options: { baseline: ["schedule_task"], readOnly: ["schedule_task"] } },
    command: scheduleCommand(o.db, (at) => ticker.wake(at)),
    start: () => ticker.start(),
    stop: () => ticker.stop(),
  };
}
