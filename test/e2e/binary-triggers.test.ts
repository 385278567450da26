/**
 * Event triggers from the compiled binary over real HTTP: a trigger declared in config (secret from
 * the environment) logs its URL at start; a GitHub-signed webhook starts a task whose result lands
 * once in the Slack channel (emulator, aimock LLM); its redelivery is a duplicate; a forged one is
 * refused; an endless chunked body is cut off at the server's limit.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { sign } from "../../src/triggers/signature.ts";
import { eventually } from "../support/app.ts";
import { BINARY, ensureBinary } from "../support/binary.ts";
import { tempDir } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { securityConfig } from "../support/outbound.ts";
import { type SlackWorkspace, startSlackWorkspace } from "../support/slack.ts";
import { testPort } from "../support/ports.ts";

let llm: LlmMock;
let ws: SlackWorkspace;
let dir: { path: string; remove(): void };
const SECRET = "binary-github-webhook-secret";

beforeAll(async () => {
  ensureBinary();
  [llm, ws] = await Promise.all([startLlmMock(), startSlackWorkspace({ teamId: "T0BIN" })]);
  dir = tempDir("konstruct-binary-triggers-");
}, 180_000);
afterAll(async () => {
  await Promise.all([llm.stop(), ws.stop()]);
  dir.remove();
});

test("a signed webhook's task result lands once in Slack, from the binary", async () => {
  const port = testPort();
  llm.replyAll("ok");
  llm.on({ lastUser: 'Goal: Triage issue "Login broken"' }, { text: "Triaged: assigned to the auth team." });
  const trigger = { name: "issues", agent: "ada", channel: "slack", chat: ws.channel, webhook_secret: "${ISSUES_SECRET}", filter: [{ path: "$.action", equals: "opened" }], instruction: "Triage issue {{ $.issue.title }}" };
  const slack = { kind: "slack", name: "slack", bot_token: ws.bot.token, signing_secret: ws.signingSecret, api_url: ws.apiUrl, team_id: ws.teamId };
  writeFileSync(
    join(dir.path, "konstruct.config.yaml"),
    JSON.stringify({
      security: securityConfig,
      server: { host: "127.0.0.1", port },
      jobs: { poll_seconds: 0.5 },
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }] },
      tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], channels: [slack] }], triggers: [trigger] }],
    }),
  );
  const child = Bun.spawn([BINARY, "serve"], { cwd: dir.path, env: { PATH: "/usr/bin:/bin", HOME: dir.path, ISSUES_SECRET: SECRET }, stdout: "pipe", stderr: "inherit" });
  let out = "";
  try {
    const decoder = new TextDecoder();
    void (async () => {
      for await (const chunk of child.stdout) out += decoder.decode(chunk);
    })();
    await eventually(() => out.includes('"msg":"konstruct ready"'), 30_000, "binary ready");
    expect(out).not.toContain(SECRET);
    const path = /"path":"(\/hooks\/trigger\/[A-Za-z0-9_-]{43})"/.exec(out)?.[1];
    expect(path).toBeDefined();
    const url = `http://127.0.0.1:${port}${path}`;
    const body = JSON.stringify({ action: "opened", issue: { title: "Login broken" } });
    const post = (headers: Record<string, string>) => fetch(url, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });

    const first = await post(sign("github", SECRET, body, { deliveryId: "bin-1" }));
    expect([first.status, await first.json()]).toEqual([202, { status: "accepted", task: 1 }]);
    expect(await (await post(sign("github", SECRET, body, { deliveryId: "bin-1" }))).json()).toEqual({ status: "duplicate" });
    expect((await post(sign("github", "forged", body, { deliveryId: "bin-2" }))).status).toBe(401);
    const chunk = new Uint8Array(64 * 1024).fill(32);
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        sent += chunk.byteLength;
        if (sent > 64 * 1024 * 1024) return c.close();
        c.enqueue(chunk);
      },
    });
    const big = await fetch(url, { method: "POST", body: endless, headers: { "content-type": "application/json" } }).catch(() => null);
    if (big) expect(big.status).toBe(413);
    expect(sent).toBeLessThan(32 * 1024 * 1024);

    const said = async () => (await ws.messages(ws.channel)).filter((m) => m.user === ws.bot.userId).map((m) => m.text ?? "");
    await eventually(async () => (await said()).some((m) => m.includes("Triaged: assigned to the auth team.")) || null, 30_000, "result in Slack");
    await Bun.sleep(1500);
    expect((await said()).filter((m) => m.includes("Triaged"))).toHaveLength(1);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- binary log ---\n${out.split("\n").slice(-15).join("\n")}`);
  } finally {
    child.kill("SIGTERM");
    await child.exited;
  }
}, 120_000);
