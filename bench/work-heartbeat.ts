/**
 * bench:work, part 3 — a hundred agents with a heartbeat every minute and nothing new to see: no
 * model call at all (counted at the LLM mock), and what the beats cost in CPU time.
 *
 * A fresh app (nothing else running in it: no channels, no job engine loaded) idles one minute
 * with the heartbeats off — the baseline — then every agent's heartbeat is set to every minute
 * (straight in the database: the config's minimum is 5 minutes) and the app runs `minutes` more.
 * The process's CPU time (process.cpuUsage, user + system) over each window gives the added cost;
 * the beats themselves are counted in heartbeat_runs.
 */
import { eq, sql } from "drizzle-orm";
import { agents, heartbeatRuns, tenants } from "../src/db/schema/index.ts";
import { startTestApp } from "../test/support/app.ts";
import type { DbKind } from "../test/support/db.ts";
import type { LlmMock } from "../test/support/llm.ts";
import { fail } from "./lib.ts";

export const AGENTS = 100;
const BASELINE_MS = 60_000;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export async function idleHeartbeats(o: { kind: DbKind; llm: LlmMock; minutes: number }) {
  const { llm, minutes } = o;
  const t = await startTestApp(o.kind, {
    llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }] },
    tenants: [{ slug: "beat", name: "Beat", agents: Array.from({ length: AGENTS }, (_, i) => ({ slug: `a${i}`, name: `Agent ${i}`, models: ["mock/chat"] })) }],
  });
  try {
    const [tenant] = await t.app.db.platform((tx) => tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, "beat")));
    const tenantId = tenant!.id;
    Bun.gc(true);
    await Bun.sleep(2000);
    const calls0 = llm.journal().length;

    let c0 = cpuMs();
    await Bun.sleep(BASELINE_MS);
    const baseline = cpuMs() - c0;

    const settings = { everyMinutes: 1, quietHours: null, checklist: "Tell me when a task of mine fails.", notify: null };
    const from = new Date();
    await t.app.db.withTenant(tenantId, (tx) => tx.update(agents).set({ heartbeat: settings, heartbeatNextAt: null }));
    c0 = cpuMs();
    await Bun.sleep(minutes * 60_000);
    const spent = cpuMs() - c0;
    const to = new Date();

    const beats = await t.app.db.withTenant(tenantId, (tx) =>
      tx.select({ decision: heartbeatRuns.decision, tokens: sql<number>`${heartbeatRuns.promptTokens} + ${heartbeatRuns.completionTokens}` }).from(heartbeatRuns).where(sql`${heartbeatRuns.at} between ${from.toISOString()}::timestamptz and ${to.toISOString()}::timestamptz`),
    );
    const llmCalls = llm.journal().length - calls0;
    if (!beats.length) fail("no heartbeat ran");
    const added = spent - (baseline / BASELINE_MS) * minutes * 60_000;
    const r1 = (x: number) => Math.round(x * 10) / 10;
    return {
      agents: AGENTS,
      minutes,
      beats: beats.length,
      beats_idle: beats.filter((b) => b.decision === "idle").length,
      tokens: beats.reduce((n, b) => n + Number(b.tokens), 0),
      llm_calls: llmCalls,
      cpu_ms: r1(spent),
      baseline_cpu_ms_per_min: r1(baseline / (BASELINE_MS / 60_000)),
      added_cpu_ms: r1(added),
      added_cpu_ms_per_beat: r1(added / beats.length),
      cpu_pct_of_one_core: Math.round((spent / (minutes * 60_000)) * 10_000) / 100,
    };
  } finally {
    await t.cleanup();
  }
}
