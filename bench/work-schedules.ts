/**
 * bench:work, part 2 — a thousand schedules due in the same minute: how late each one fires and
 * that each fires exactly once, with two tickers on the same database (the app's own and a second
 * one, as a second replica would run).
 *
 * "Fired" is the moment its task's job is on the job engine's queue (pg-boss `created_on` of the
 * first job carrying the task's id): from then on any worker may run it. Exactly once is counted
 * three ways: one `schedule_runs` row per schedule for that due time, one task per run, one
 * distinct queued task per run — and, once the tasks have run, one result message per task in the
 * owner's Telegram chat.
 */
import { eq, sql } from "drizzle-orm";
import pino from "pino";
import { conversations, scheduleRuns, tasks } from "../src/db/schema/index.ts";
import { rowsOf } from "../src/db/set-sql.ts";
import { insertSchedule } from "../src/schedules/store.ts";
import { ScheduleTicker } from "../src/schedules/ticker.ts";
import type { TestApp } from "../test/support/app.ts";
import type { TelegramShim } from "../test/support/telegram.ts";
import { fail, percentile } from "./lib.ts";

const OWNER_CHAT = 3003;
/** At least this long between creating the schedules and their due time. */
const LEAD_MS = 15_000;

export async function scheduleBurst(o: { t: TestApp; tg: TelegramShim; token: string; count: number; drainTimeoutS: number }) {
  const { t, tg, token, count } = o;
  // The owner's chat with the agent: the conversation its runs' results go to.
  await tg.userSends(OWNER_CHAT, "hello", { token });
  await tg.waitForReplies(OWNER_CHAT, 1, { token, timeoutMs: 10_000 });
  const { tenantId, channelId } = await t.channel("cron", "tg");
  const db = t.app.db;
  const [conv] = await db.withTenant(tenantId, (tx) => tx.select().from(conversations).where(eq(conversations.chatKey, String(OWNER_CHAT))));
  if (!conv) fail("the owner's conversation was not recorded");

  const now = new Date();
  const due = new Date(Math.ceil((now.getTime() + LEAD_MS) / 60_000) * 60_000);
  const cron = `${due.getUTCMinutes()} ${due.getUTCHours()} * * *`;
  await db.withTenant(tenantId, async (tx) => {
    for (let i = 0; i < count; i++) {
      const s = await insertSchedule(tx, { tenantId, agentId: conv.agentId, ownerUser: String(OWNER_CHAT), conversationId: conv.id, channelId, chatKey: String(OWNER_CHAT), cron, timeZone: "UTC", instruction: `scheduled report ${i}`, missedPolicy: "skip" }, now);
      if (s.nextRunAt.getTime() !== due.getTime()) fail(`schedule due ${s.nextRunAt.toISOString()}, expected ${due.toISOString()}`);
    }
  });
  // The second ticker: as another replica's would, on the same database and the same queue.
  let second = 0;
  const other = new ScheduleTicker({ db, log: pino({ level: "silent" }), enqueue: async (tid, ids) => ((second += ids.length), t.app.tasks.executor.enqueueMany(tid, ids)) });
  other.start();
  console.error(`  ${count} schedules due at ${due.toISOString()} (in ${((due.getTime() - Date.now()) / 1000).toFixed(0)} s)`);

  const raw = db.driver.raw;
  const jobs = () => raw.query<{ task: string; at: Date | string }>(`select data->>'taskId' as task, min(created_on) as at from pgboss.job where name = 'task' group by 1`);
  const ours = new Set<string>();
  let queued: { task: string; at: Date | string }[] = [];
  const deadline = due.getTime() + 60_000;
  for (;;) {
    await Bun.sleep(Math.max(200, due.getTime() - Date.now() + 200));
    if (!ours.size || ours.size < count) {
      const rows = await db.withTenant(tenantId, (tx) => tx.select({ id: tasks.id }).from(tasks).where(sql`${tasks.goal} like 'scheduled report %'`));
      for (const r of rows) ours.add(r.id);
    }
    queued = (await jobs().catch(() => [])).filter((j) => ours.has(j.task));
    if (queued.length >= count) break;
    if (Date.now() > deadline) fail(`only ${queued.length} of ${count} scheduled tasks queued a minute after their due time`);
  }
  other.stop();
  const lateMs = queued.map((j) => new Date(j.at).getTime() - due.getTime());
  const runs = await db.withTenant(tenantId, (tx) => tx.select({ status: scheduleRuns.status, taskId: scheduleRuns.taskId }).from(scheduleRuns).where(eq(scheduleRuns.dueAt, due)));

  // Let the tasks run: each result must reach the owner's chat once.
  const drainT0 = Date.now();
  const results = () => tg.botReplies(OWNER_CHAT, token).filter((r) => /Task #\d+ done/.test(r.visible));
  for (;;) {
    const [row] = await db.withTenant(tenantId, (tx) => rowsOf<{ open: number }>(tx, sql`select count(*)::int as open from tasks where goal like 'scheduled report %' and (status <> 'done' or reported_at is null)`));
    if (row!.open === 0 && results().length >= count) break;
    if (Date.now() - drainT0 > o.drainTimeoutS * 1000) fail(`scheduled tasks not all done and reported after ${o.drainTimeoutS} s (${row!.open} open)`);
    await Bun.sleep(500);
  }
  const drainS = (Date.now() - drainT0) / 1000;
  await Bun.sleep(1000); // a duplicate would show up here
  const numbers = results().map((r) => r.visible.match(/Task #(\d+)/)![1]);

  const r1 = (x: number) => Math.round(x * 10) / 10;
  return {
    schedules: count,
    due: due.toISOString(),
    late_ms: { p50: r1(percentile(lateMs, 50)), p99: r1(percentile(lateMs, 99)), max: r1(Math.max(...lateMs)), min: r1(Math.min(...lateMs)) },
    runs: runs.length,
    runs_fired: runs.filter((r) => r.status === "fired").length,
    tasks: ours.size,
    tasks_queued: queued.length,
    fired_by_second_ticker: second,
    results_delivered: numbers.length,
    distinct_results: new Set(numbers).size,
    drain_s: r1(drainS),
  };
}
