/**
 * bench:work, part 1 — chat reply latency while five executors wait on a slow model, against the
 * same chat with no task running (the baseline, measured first in the same app).
 *
 * A "ping" is a Telegram message to the agent (through the Telegram shim, long polling, the whole
 * pipeline: inbox, limits, turn, usage, audit, outbox); its latency is user message sent → bot
 * reply stored by the emulator, one ping at a time. Five tasks are started the way users start
 * them — "research …" in another chat makes the chat model call start_task — and each task's
 * executor model (`executor_models`, a different model name) is held SLOW_MS by the mock at every
 * one of its TASK_STEPS steps. A ping that ends while fewer than five run does not count (the
 * bench says how many were dropped).
 */
import { eq } from "drizzle-orm";
import { tasks } from "../src/db/schema/index.ts";
import type { TestApp } from "../test/support/app.ts";
import type { LlmMock } from "../test/support/llm.ts";
import type { TelegramShim } from "../test/support/telegram.ts";
import { fail, percentile } from "./lib.ts";

export const SLOW_MS = 2000;
const PING_CHAT = 1001;
const TASK_CHAT = 2002;
const GAP_MS = 20;
/** The agent's task_max_steps in the bench config: 50 × 2 s outlasts the busy pings. */
export const TASK_STEPS = 50;

/** Fixtures: chat model "chat" answers at once; "research" starts a task; the executor model "slow" takes SLOW_MS. */
export function scriptChat(llm: LlmMock): void {
  llm.replyAll("pong");
  llm.on({ model: "chat", lastUser: "research" }, { toolCalls: [{ name: "start_task", arguments: { goal: "slow report", context: "bench" } }] });
  llm.on({ model: "chat", lastUser: "research", hasToolResult: true }, { text: "On it." });
  // Each step of a task: SLOW_MS, then a call to a tool it does not have (answered with an error
  // at once), so a task stays busy for `task_max_steps` steps without queueing more tasks.
  llm.on({ model: "slow" }, { toolCalls: [{ name: "check_sources" }], delayMs: SLOW_MS });
}

const r1 = (x: number) => Math.round(x * 10) / 10;

export async function chatLatency(o: { t: TestApp; tg: TelegramShim; llm: LlmMock; tenantId: string; pings: number }) {
  const { t, tg, llm, pings } = o;
  const running = () => t.app.tasks.executor.running.size;

  async function ping(): Promise<number> {
    const before = tg.botReplies(PING_CHAT).length;
    const t0 = performance.now();
    await tg.userSends(PING_CHAT, "ping");
    const until = t0 + 10_000;
    while (tg.botReplies(PING_CHAT).length <= before) {
      if (performance.now() > until) fail("a ping got no reply within 10 s");
      await Bun.sleep(1);
    }
    const ms = performance.now() - t0;
    if (tg.botReplies(PING_CHAT).at(-1)!.visible !== "pong") fail(`unexpected reply: ${tg.botReplies(PING_CHAT).at(-1)!.visible}`);
    await Bun.sleep(GAP_MS);
    return ms;
  }

  // Warm-up (first turn compiles, caches fill), then the idle baseline.
  for (let i = 0; i < 20; i++) await ping();
  const idle: number[] = [];
  for (let i = 0; i < pings; i++) idle.push(await ping());

  // Five tasks, each SLOW_MS per step for TASK_STEPS steps: five executors busy all along.
  const taskCount = 5;
  for (let i = 0; i < taskCount; i++) await tg.userSends(TASK_CHAT, `research topic ${i}`);
  await tg.waitForReplies(TASK_CHAT, taskCount, { timeoutMs: 120_000 });
  const until = Date.now() + 30_000;
  while (running() < 5) {
    if (Date.now() > until) fail(`only ${running()} executors busy after 30 s`);
    await Bun.sleep(20);
  }
  const busy: number[] = [];
  let dropped = 0;
  const slowStart = llm.journal().filter((r) => r.model === "slow").length;
  const busyT0 = Date.now();
  while (busy.length < pings) {
    const ms = await ping();
    // Only pings that started and ended with all five executors busy count.
    if (running() === 5) busy.push(ms);
    else if (++dropped > pings) fail(`executors ran dry (${busy.length} busy pings measured); raise TASK_STEPS`);
  }
  const busyS = (Date.now() - busyT0) / 1000;
  const slowCalls = llm.journal().filter((r) => r.model === "slow").length - slowStart;
  // Stop the rest; what is left ends `cancelled`.
  await tg.userSends(TASK_CHAT, "/cancel all");
  const left = await t.app.db.withTenant(o.tenantId, (tx) => tx.select({ status: tasks.status }).from(tasks).where(eq(tasks.chatKey, String(TASK_CHAT))));

  const slowest = (xs: number[]) => xs.map((ms, i) => [i, Math.round(ms)]).sort((a, b) => b[1]! - a[1]!).slice(0, 3).map(([i, ms]) => `#${i} ${ms} ms`).join(", ");
  console.error(`   slowest idle pings: ${slowest(idle)}; slowest busy pings: ${slowest(busy)}`);
  const idleP = { p50: r1(percentile(idle, 50)), p99: r1(percentile(idle, 99)) };
  const busyP = { p50: r1(percentile(busy, 50)), p99: r1(percentile(busy, 99)) };
  return {
    pings,
    idle_ms: idleP,
    busy_ms: busyP,
    added_p99_ms: r1(busyP.p99 - idleP.p99),
    added_p50_ms: r1(busyP.p50 - idleP.p50),
    busy_window_s: r1(busyS),
    slow_calls_during_busy: slowCalls,
    peak_slow_in_flight: llm.peakInFlight(),
    tasks_started: taskCount,
    tasks_done_when_cancelled: left.filter((r) => r.status === "done").length,
    dropped_pings: dropped,
  };
}
