/**
 * Per-chat order across replicas, on one real Postgres: Slack webhooks of one chat delivered to two
 * replicas by turns (a load balancer without stickiness) run as strictly sequential turns in
 * arrival order, each answered exactly once; a replica killed with -9 mid-turn (a real process)
 * leaves its turn to the other replica once the inbox lease runs out, and the chat's next message
 * — held behind it — is answered after it.
 */
import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import { type App, createApp } from "../../src/app/create-app.ts";
import { validate } from "../../src/config/load.ts";
import { channels, tenants } from "../../src/db/schema/index.ts";
import { eventually } from "../support/app.ts";
import { createExternalDatabase, tempDir } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { securityConfig } from "../support/outbound.ts";
import { type SlackWorkspace, slackEvents, startSlackWorkspace } from "../support/slack.ts";
import { testPort } from "../support/ports.ts";

const ROOT = join(import.meta.dir, "../..");
const LEASE_MS = 3_000;
let llm: LlmMock;
let ws: SlackWorkspace;
let db: { url: string; drop(): Promise<void> };
const dirs: { path: string; remove(): void }[] = [];
const apps: App[] = [];
const key = randomBytes(32).toString("base64");

function config(dataDir: string, extra: Record<string, unknown> = {}) {
  return {
    security: securityConfig,
    data_dir: dataDir,
    database: { url: db.url, pool_size: 4, connect_attempts: 1, inbox_lease_ms: LEASE_MS },
    secrets: { key },
    log: { level: "info" },
    limits: { user: { capacity: 1000, refill_per_sec: 100 }, connection: { capacity: 1000, refill_per_sec: 100 }, tenant: { capacity: 1000, refill_per_sec: 100 } },
    llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, timeout_ms: 60_000 }] },
    tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], channels: [{ kind: "slack", name: "slack", bot_token: ws.bot.token, signing_secret: ws.signingSecret, api_url: ws.apiUrl }] }] }],
    ...extra,
  };
}

async function replica(): Promise<App> {
  const dir = tempDir();
  dirs.push(dir);
  const app = createApp(validate(config(dir.path)), { log: pino({ level: process.env.KTEST_LOG ?? "silent" }), listen: false });
  await app.start();
  apps.push(app);
  return app;
}

/** Delivers like Slack: a 503 (connection still identifying itself) is retried. */
async function deliver(handle: (r: Request) => Promise<Response>, url: string, envelope: unknown): Promise<number> {
  return eventually(async () => {
    const res = await handle(ws.signed(envelope, { url })).catch(() => null);
    return res && res.status !== 503 ? res.status : null;
  }, 15_000, "event accepted");
}

const dmReplies = async () => (await ws.messages(ws.dm)).filter((m) => m.user === ws.bot.userId).map((m) => m.text);

beforeAll(async () => {
  [llm, ws, db] = await Promise.all([startLlmMock(), startSlackWorkspace(), createExternalDatabase()]);
});
afterAll(async () => {
  for (const a of apps) await a.stop().catch(() => {});
  await Promise.all([llm.stop(), ws.stop()]);
  await db.drop();
  for (const d of dirs) d.remove();
});
beforeEach(() => llm.reset());

test("one chat's webhooks spread over two replicas: sequential turns, in arrival order, each answered once", async () => {
  const [a, b] = [await replica(), await replica()];
  const words = Array.from({ length: 8 }, (_, i) => `order-${String(i).padStart(2, "0")}`);
  for (const w of words) llm.on({ lastUser: w }, { text: `re ${w}`, delayMs: 150 });
  const channelId = await channelOf(a);
  const url = `http://localhost/hooks/slack/${channelId}`;
  const before = (await dmReplies()).length;

  // Interleaved: even messages to A, odd to B, each acknowledged before the next is sent.
  for (const [i, w] of words.entries()) {
    const ev = slackEvents.dm(ws, { text: w, user: ws.human.userId });
    expect(await deliver((r) => (i % 2 ? b : a).http.handle(r), url, ev)).toBe(200);
  }
  const replies = await eventually(async () => {
    const r = (await dmReplies()).slice(before);
    return r.length >= words.length ? r : null;
  }, 30_000, "every message answered");
  await Bun.sleep(300);
  expect((await dmReplies()).slice(before)).toEqual(words.map((w) => `re ${w}`));
  const calls = llm.journal().filter((c) => c.lastUser?.startsWith("order-"));
  expect(calls.map((c) => c.lastUser)).toEqual(words);
  expect(llm.peakInFlight()).toBe(1);
  expect(replies).toHaveLength(words.length);
}, 90_000);

test("a replica killed with -9 mid-turn: the other takes the turn over after the lease, then the held next message", async () => {
  const survivor = apps[1] ?? (await replica());
  const dir = tempDir();
  dirs.push(dir);
  const port = testPort();
  const file = join(dir.path, "konstruct.config.yaml");
  writeFileSync(file, JSON.stringify(config(dir.path, { server: { host: "127.0.0.1", port } })));
  const child = Bun.spawn(["bun", join(ROOT, "src/cli/main.ts"), "serve", "-c", file], { cwd: dir.path, env: { PATH: process.env.PATH! }, stdout: "ignore", stderr: "ignore" });
  try {
    const channelId = await channelOf(survivor);
    const before = (await dmReplies()).length;
    llm.on({ lastUser: "kill-first" }, { text: "too late", delayMs: 30_000 });
    const first = slackEvents.dm(ws, { text: "kill-first", user: ws.human.userId });
    expect(await deliver((r) => fetch(r), `http://127.0.0.1:${port}/hooks/slack/${channelId}`, first)).toBe(200);
    await eventually(() => llm.peakInFlight() > 0, 15_000, "the doomed replica's model call");
    // The next message of the chat reaches the survivor, which must hold it behind the first.
    const second = slackEvents.dm(ws, { text: "kill-second", user: ws.human.userId });
    expect(await deliver((r) => survivor.http.handle(r), `http://localhost/hooks/slack/${channelId}`, second)).toBe(200);
    await Bun.sleep(500);
    expect(llm.journal().some((c) => c.lastUser === "kill-second")).toBe(false);

    child.kill("SIGKILL");
    await child.exited;
    const killedAt = Date.now();
    llm.on({ lastUser: "kill-first" }, { text: "first, taken over" });
    llm.on({ lastUser: "kill-second" }, { text: "second, after it" });
    const replies = await eventually(async () => {
      const r = (await dmReplies()).slice(before);
      return r.length >= 2 ? r : null;
    }, 30_000, "both answered by the survivor");
    expect(Date.now() - killedAt).toBeLessThan(LEASE_MS * 4);
    await Bun.sleep(500);
    expect((await dmReplies()).slice(before)).toEqual(["first, taken over", "second, after it"]);
    expect(replies).toHaveLength(2);
  } finally {
    child.kill("SIGKILL");
    await child.exited;
  }
}, 90_000);

async function channelOf(app: App): Promise<string> {
  const [t] = await app.db.platform((tx) => tx.select({ id: tenants.id }).from(tenants));
  const [c] = await app.db.withTenant(t!.id, (tx) => tx.select({ id: channels.id }).from(channels));
  return c!.id;
}
