/**
 * The process dies after the event was acknowledged and before the reply: `konstruct serve` (from
 * source, embedded database) is killed with -9 while the model is still thinking, started again on
 * the same data dir, and the Slack thread then holds exactly one answer.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { securityConfig } from "../support/outbound.ts";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { eventually } from "../support/app.ts";
import { embeddedDataDir } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { type SlackWorkspace, slackEvents, startSlackWorkspace } from "../support/slack.ts";
import { testPort } from "../support/ports.ts";

const ROOT = join(import.meta.dir, "../..");
let llm: LlmMock;
let ws: SlackWorkspace;
let dir: { path: string; remove(): void };

beforeAll(async () => {
  llm = await startLlmMock();
  ws = await startSlackWorkspace();
  dir = await embeddedDataDir();
});
afterAll(async () => {
  await llm.stop();
  await ws.stop();
  dir.remove();
});

test("kill -9 after ingest, before the reply → answered exactly once after restart", async () => {
  const port = testPort();
  const config = join(dir.path, "konstruct.config.yaml");
  writeFileSync(
    config,
    JSON.stringify({
      security: securityConfig, // the emulators listen on loopback
      data_dir: dir.path,
      server: { host: "127.0.0.1", port },
      log: { level: "info" },
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }] },
      tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], channels: [{ kind: "slack", name: "slack", bot_token: ws.bot.token, signing_secret: ws.signingSecret, api_url: ws.apiUrl }] }] }],
    }),
  );
  const serve = () => Bun.spawn(["bun", join(ROOT, "src/cli/main.ts"), "serve", "-c", config], { cwd: dir.path, env: { PATH: process.env.PATH! }, stdout: "pipe", stderr: "inherit" });
  /** Reads the JSON log until the Slack connection reports it started; returns its channel id. */
  const started = async (child: ReturnType<typeof serve>) => {
    let out = "";
    const decoder = new TextDecoder();
    for await (const chunk of child.stdout) {
      out += decoder.decode(chunk);
      const m = out.match(/"channel":"([0-9a-f-]{36})"[^\n]*"msg":"channel connection started"/);
      if (m) return m[1]!;
    }
    throw new Error(`serve exited before its Slack connection started:\n${out}`);
  };
  const post = (channelId: string, envelope: unknown) =>
    eventually(async () => {
      const req = ws.signed(envelope, { url: `http://127.0.0.1:${port}/hooks/slack/${channelId}` });
      const res = await fetch(req).catch(() => null);
      return res && res.status !== 503 ? res.status : null; // 503 until auth.test has identified the bot
    }, 15_000, "event accepted");
  const botReplies = async (ts: string) => (await ws.messages(ws.channel, ts)).filter((m) => m.user === ws.bot.userId);

  // The model takes 20 s the first time: plenty of time to kill the process mid-turn.
  llm.on({}, { text: "too late", delayMs: 20_000 });
  let child = serve();
  const channelId = await started(child);
  const ev = slackEvents.appMention(ws, { text: "are you still there?" });
  expect(await post(channelId, ev)).toBe(200);
  await eventually(() => llm.peakInFlight() > 0, 10_000, "the model call to start");
  child.kill("SIGKILL");
  await child.exited;
  expect(await botReplies(ev.event.ts)).toHaveLength(0);

  llm.on({}, { text: "Still here, answered once." });
  child = serve();
  await started(child);
  const [reply] = await eventually(() => botReplies(ev.event.ts).then((r) => (r.length ? r : null)), 20_000, "the reply after restart");
  expect(reply!.text).toBe("Still here, answered once.");
  // A redelivery by Slack after the restart changes nothing; neither does waiting.
  expect(await post(channelId, ev)).toBe(200);
  await Bun.sleep(1000);
  expect(await botReplies(ev.event.ts)).toHaveLength(1);
  child.kill("SIGTERM");
  await child.exited;
}, 90_000);
