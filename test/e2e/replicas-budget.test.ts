/**
 * A budget holds across replicas, on one real Postgres: concurrent turns of one capped agent, their
 * Slack webhooks spread over two replicas, against a provider that writes until max_tokens. Each
 * call reserves what it may cost before it runs (src/agent/reservations.ts), so the two replicas
 * cannot both spend the same headroom: the recorded spend never passes the cap, every message gets
 * exactly one reply (an answer or the budget notice), and no reservation is left behind.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import pino from "pino";
import { startSlackRecorder } from "../../bench/slack-recorder.ts";
import { type App, createApp } from "../../src/app/create-app.ts";
import { validate } from "../../src/config/load.ts";
import { budgetReservations, channels, llmCalls, tenants } from "../../src/db/schema/index.ts";
import { eventually } from "../support/app.ts";
import { createExternalDatabase, tempDir } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { securityConfig } from "../support/outbound.ts";
import { type SlackWorkspace, slackEvents, startSlackWorkspace } from "../support/slack.ts";

const CAP = 0.05;
const MESSAGES = 12;
let llm: LlmMock;
let ws: SlackWorkspace;
let db: { url: string; drop(): Promise<void> };
const posted = new Map<string, string[]>();
let recorder: ReturnType<typeof startSlackRecorder>;
const dirs: { path: string; remove(): void }[] = [];
const apps: App[] = [];
const key = randomBytes(32).toString("base64");
const big = { capacity: 10_000, refill_per_sec: 10_000 };

async function replica(): Promise<App> {
  const dir = tempDir();
  dirs.push(dir);
  const config = validate({
    security: securityConfig,
    data_dir: dir.path,
    database: { url: db.url, pool_size: 4, connect_attempts: 1 },
    secrets: { key },
    limits: { user: big, connection: big, tenant: big },
    llm: { providers: [{ id: "pricey", kind: "openai", base_url: llm.url }], prices: { "pricey/gpt-pricey": { input_per_mtok: 1, output_per_mtok: 100 } } },
    tenants: [
      {
        slug: "acme",
        name: "Acme",
        agents: [{ slug: "ada", name: "Ada", models: ["pricey/gpt-pricey"], budget: { daily_usd: CAP }, channels: [{ kind: "slack", name: "slack", bot_token: ws.bot.token, signing_secret: ws.signingSecret, api_url: `http://127.0.0.1:${recorder.port}/api/` }] }],
      },
    ],
  });
  const app = createApp(config, { log: pino({ level: process.env.KTEST_LOG ?? "silent" }), listen: false });
  await app.start();
  apps.push(app);
  return app;
}

beforeAll(async () => {
  [llm, ws, db] = await Promise.all([startLlmMock(), startSlackWorkspace({ spareBotTokens: 2 }), createExternalDatabase()]);
  recorder = startSlackRecorder((path) => ({ ws, path }), (thread) => void posted.set(thread, [...(posted.get(thread) ?? []), thread]));
});
afterAll(async () => {
  for (const a of apps) await a.stop().catch(() => {});
  recorder.stop(true);
  await Promise.all([llm.stop(), ws.stop()]);
  await db.drop();
  for (const d of dirs) d.remove();
});

test("concurrent turns of one capped agent on two replicas never spend past the cap together", async () => {
  // A provider that writes until max_tokens (100 000 tokens = $10 at this price without one); slow
  // enough that the two replicas' calls overlap.
  llm.on({}, { text: "long answer", delayMs: 300, usage: ({ maxTokens }) => ({ promptTokens: 20, completionTokens: maxTokens ?? 100_000 }) });
  const [a, b] = [await replica(), await replica()];
  const [tenant] = await a.db.platform((tx) => tx.select({ id: tenants.id }).from(tenants));
  const tenantId = tenant!.id;
  const [c] = await a.db.withTenant(tenantId, (tx) => tx.select({ id: channels.id }).from(channels));
  const url = `http://localhost/hooks/slack/${c!.id}`;

  const sent = Array.from({ length: MESSAGES }, (_, i) => slackEvents.appMention(ws, { text: `question ${i}`, user: `U${i}` }));
  const statuses = await Promise.all(sent.map((ev, i) => (i % 2 ? b : a).http.handle(ws.signed(ev, { url })).then((r) => r.status)));
  expect(statuses).toEqual(sent.map(() => 200));
  await eventually(() => sent.every((ev) => posted.has(ev.event.ts)), 60_000, "every message answered");
  await Bun.sleep(500);
  expect(sent.map((ev) => posted.get(ev.event.ts)!.length)).toEqual(sent.map(() => 1));

  const [spent] = await a.db.withTenant(tenantId, (tx) => tx.select({ usd: sql<string>`coalesce(sum(cost_usd), 0)`, n: sql<number>`count(*)::int` }).from(llmCalls));
  expect(Number(spent!.usd)).toBeLessThanOrEqual(CAP);
  expect(Number(spent!.usd)).toBeGreaterThan(CAP * 0.9);
  // Both replicas ran turns (the webhooks alternated), and the rest were told the budget is spent.
  const replies = await Promise.all(sent.map(async (ev) => (await ws.messages(ws.channel, ev.event.ts)).filter((m) => m.user === ws.bot.userId).map((m) => m.text)));
  expect(replies.flat().filter((t) => /budget/.test(t)).length).toBe(MESSAGES - spent!.n);
  expect(await a.db.withTenant(tenantId, (tx) => tx.select().from(budgetReservations))).toEqual([]);
}, 120_000);
