/**
 * bench:work — AI employees that work, not only answer (issue 12). Same run, same machine, the app
 * in this process (createApp from source, the embedded database unless BENCH_WORK_DB=external),
 * Telegram through the shim (long polling), the LLM mock aimock:
 *
 *   1. chat reply latency p50/p99 while five executors wait on a slow (2 s) model, against the same
 *      chat idle just before (the baseline) — target: p99 added ≤ 100 ms (work-chat.ts);
 *   2. 1,000 schedules due in the same minute, two tickers on the database: p99 of how late each
 *      fires ≤ 1 s, and each exactly once (work-schedules.ts);
 *   3. 100 agents with idle heartbeats every minute for 10 minutes: 0 LLM calls, and the CPU time
 *      it cost over an idle baseline minute (work-heartbeat.ts).
 *
 * Env: BENCH_WORK_MINUTES (10) heartbeat minutes, BENCH_WORK_PINGS (200) pings per condition,
 * BENCH_WORK_SCHEDULES (1000), BENCH_WORK_DB (embedded | external), BENCH_WORK_ONLY (chat | schedules |
 * heartbeat: one part only, while developing). Last stdout line: one JSON object.
 */
import { startTestApp } from "../test/support/app.ts";
import type { DbKind } from "../test/support/db.ts";
import { startLlmMock } from "../test/support/llm.ts";
import { startTelegramShim } from "../test/support/telegram.ts";
import { fail, printJsonLast } from "./lib.ts";
import { chatLatency, scriptChat, SLOW_MS, TASK_STEPS } from "./work-chat.ts";
import { AGENTS, idleHeartbeats } from "./work-heartbeat.ts";
import { scheduleBurst } from "./work-schedules.ts";

const num = (name: string, def: number) => {
  const v = Number(process.env[name] ?? def);
  if (!Number.isFinite(v) || v <= 0) fail(`${name} must be a positive number`);
  return v;
};
const MINUTES = num("BENCH_WORK_MINUTES", 10);
const PINGS = Math.round(num("BENCH_WORK_PINGS", 200));
const SCHEDULES = Math.round(num("BENCH_WORK_SCHEDULES", 1000));
const kind = (process.env.BENCH_WORK_DB ?? "embedded") as DbKind;
if (kind !== "embedded" && kind !== "external") fail("BENCH_WORK_DB must be embedded or external");
const only = process.env.BENCH_WORK_ONLY ?? "";
if (!["", "chat", "schedules", "heartbeat"].includes(only)) fail("BENCH_WORK_ONLY must be chat, schedules or heartbeat");
const runs = (part: string) => !only || only === part;
const TARGETS = { added_p99_ms: 100, schedule_late_p99_ms: 1000, idle_heartbeat_llm_calls: 0 };

const llm = await startLlmMock();
scriptChat(llm);
const tg = await startTelegramShim({ bots: [{ username: "AcmeAdaBot" }, { username: "CronBot" }] });
const [ada, cron] = tg.bots;
const bot = (token: string) => ({ kind: "telegram", name: "tg", bot_token: token, api_root: tg.apiRoot });
console.error(`bench:work — ${kind} database, bun ${Bun.version}`);

let chat: Awaited<ReturnType<typeof chatLatency>> | null = null;
let schedules: Awaited<ReturnType<typeof scheduleBurst>> | null = null;
let heartbeat: Awaited<ReturnType<typeof idleHeartbeats>> | null = null;
if (runs("chat") || runs("schedules")) {
  const t = await startTestApp(kind, {
    llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, max_concurrency: 64 }] },
    limits: { tenant: { capacity: 1e9, refill_per_sec: 1e9 }, connection: { capacity: 1e9, refill_per_sec: 1e9 }, user: { capacity: 1e9, refill_per_sec: 1e9 } },
    tenants: [
      { slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/chat"], executor_models: ["mock/slow"], task_max_steps: TASK_STEPS, channels: [bot(ada!.token)] }] },
      { slug: "cron", name: "Cron", agents: [{ slug: "clock", name: "Clock", models: ["mock/chat"], channels: [bot(cron!.token)] }] },
    ],
  });
  try {
    if (runs("chat")) {
      console.error(`1. chat latency: ${PINGS} pings idle, then ${PINGS} with five executors on a ${SLOW_MS} ms model`);
      chat = await chatLatency({ t, tg, llm, tenantId: (await t.channel("acme", "tg")).tenantId, pings: PINGS });
      console.error(`   idle p50 ${chat.idle_ms.p50} / p99 ${chat.idle_ms.p99} ms; busy p50 ${chat.busy_ms.p50} / p99 ${chat.busy_ms.p99} ms`);
    }
    if (runs("schedules")) {
      console.error(`2. ${SCHEDULES} schedules due in the same minute, two tickers`);
      schedules = await scheduleBurst({ t, tg, token: cron!.token, count: SCHEDULES, drainTimeoutS: 600 });
      console.error(`   late p50 ${schedules.late_ms.p50} / p99 ${schedules.late_ms.p99} ms; ${schedules.runs} runs, ${schedules.tasks} tasks, ${schedules.distinct_results} results in ${schedules.drain_s} s`);
    }
  } finally {
    await t.cleanup();
  }
}
if (runs("heartbeat")) {
  console.error(`3. ${AGENTS} agents, idle heartbeats every minute for ${MINUTES} min (after a 1 min baseline)`);
  await llm.reset();
  llm.replyAll("unexpected");
  heartbeat = await idleHeartbeats({ kind, llm, minutes: MINUTES });
}
await tg.stop();
await llm.stop();

const exactlyOnce = (s: NonNullable<typeof schedules>) =>
  [s.runs, s.runs_fired, s.tasks, s.tasks_queued, s.distinct_results, s.results_delivered].every((n) => n === SCHEDULES);
const pass = {
  ...(chat ? { chat_added_p99: chat.added_p99_ms <= TARGETS.added_p99_ms } : {}),
  ...(schedules ? { schedules_on_time: schedules.late_ms.p99 <= TARGETS.schedule_late_p99_ms, schedules_exactly_once: exactlyOnce(schedules) } : {}),
  ...(heartbeat ? { idle_heartbeat_no_llm: heartbeat.llm_calls === 0 && heartbeat.tokens === 0 } : {}),
};
const v = (ok: boolean | undefined) => (ok ? "PASS" : "MISS");
console.log(`\nkonstruct work — ${kind} database, bun ${Bun.version}`);
if (chat) {
  console.log(`chat reply, idle:              p50 ${chat.idle_ms.p50} ms, p99 ${chat.idle_ms.p99} ms (baseline, ${PINGS} pings)`);
  console.log(
    `chat reply, 5 executors busy:  p50 ${chat.busy_ms.p50} ms, p99 ${chat.busy_ms.p99} ms — p99 added ${chat.added_p99_ms} ms ${v(pass.chat_added_p99)} (target ≤ ${TARGETS.added_p99_ms} ms), ×${Math.round((chat.busy_ms.p99 / chat.idle_ms.p99) * 100) / 100} baseline`,
  );
}
if (schedules)
  console.log(
    `${SCHEDULES} schedules, one minute: late p50 ${schedules.late_ms.p50} ms, p99 ${schedules.late_ms.p99} ms ${v(pass.schedules_on_time)} (target ≤ 1000 ms); exactly once ${v(pass.schedules_exactly_once)} (${schedules.runs} runs, ${schedules.tasks} tasks, ${schedules.distinct_results} results; second ticker fired ${schedules.fired_by_second_ticker}); all done in ${schedules.drain_s} s`,
  );
if (heartbeat)
  console.log(
    `idle heartbeats:               ${heartbeat.beats} beats in ${MINUTES} min, ${heartbeat.llm_calls} LLM calls ${v(pass.idle_heartbeat_no_llm)}; CPU ${heartbeat.cpu_ms} ms (idle baseline ${heartbeat.baseline_cpu_ms_per_min} ms/min), added ${heartbeat.added_cpu_ms} ms = ${heartbeat.added_cpu_ms_per_beat} ms per beat`,
  );
printJsonLast({ bench: "work", bun: Bun.version, database: kind, targets: TARGETS, pass, chat, schedules, heartbeat });
process.exit(0);
