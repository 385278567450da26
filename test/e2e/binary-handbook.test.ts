/**
 * The closing scenario from the compiled binary, offline, from an empty directory with only the
 * binary and a config (no model folder: the built-in model comes out of the binary into the data
 * dir's cache at first use): `konstruct admin create`, sign in, create a personal access token on
 * /admin/tokens, upload the handbook over HTTP with it, ask in Telegram, get the cited answer
 * (the model is the LLM mock, scripted to call kb_search and answer from the passage it returns).
 * Builds dist/konstruct when missing or when KTEST_REBUILD is set.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { securityConfig } from "../support/outbound.ts";
import { join } from "node:path";
import { eventually } from "../support/app.ts";
import { client } from "../support/http-client.ts";
import { tempDir } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { TEST_MODEL } from "../support/models.ts";
import { startTelegramShim, type TelegramShim } from "../support/telegram.ts";
import { BINARY, ROOT, ensureBinary, writeBinaryConfig } from "../support/binary.ts";
import { testPort } from "../support/ports.ts";

const ANSWER = "Parents get 18 weeks of fully paid parental leave [Northwind Employee Handbook — Leave > Parental leave].";
let llm: LlmMock;
let tg: TelegramShim;
let dir: { path: string; remove(): void };

beforeAll(async () => {
  ensureBinary();
  [llm, tg] = await Promise.all([startLlmMock(), startTelegramShim({ bots: [{ username: "HandbookBot" }] })]);
  llm.on({ hasToolResult: false }, { toolCalls: [{ name: "kb_search", arguments: { query: "parental leave" } }] });
  llm.on({ hasToolResult: true }, { text: ANSWER });
  dir = tempDir("konstruct-binary-kb-");
}, 120_000);
afterAll(async () => {
  await Promise.all([llm.stop(), tg.stop()]);
  dir.remove();
});

test("from the binary: upload the handbook, ask in Telegram, get the cited answer", async () => {
  const port = testPort();
  writeBinaryConfig(dir.path, port, llm.url, {
    tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], channels: [{ kind: "telegram", name: "tg", bot_token: tg.token, api_root: tg.apiRoot }] }] }],
  });
  writeFileSync(join(dir.path, "pw"), "binary admin password\n");
  const env = { PATH: "/usr/bin:/bin", HOME: dir.path };
  const create = Bun.spawnSync([BINARY, "admin", "create", "--email", "root@example.com", "--password-file", "pw"], { cwd: dir.path, env });
  expect(create.stdout.toString()).toBe("created platform admin root@example.com\n");
  const child = Bun.spawn([BINARY, "serve"], { cwd: dir.path, env, stdout: "ignore", stderr: "inherit" });
  try {
    const base = `http://127.0.0.1:${port}`;
    await eventually(() => fetch(`${base}/readyz`).then((r) => r.ok, () => false), 30_000, "readyz");
    // Lazy: ready and idle, the built-in model has not been copied out yet.
    const extracted = join(dir.path, "data/.konstruct-cache/models", TEST_MODEL, "onnx/model_quantized.onnx");
    expect(existsSync(extracted)).toBe(false);
    const admin = client(base);
    await admin.send("/login");
    expect(await admin.form("/login", { email: "root@example.com", password: "binary admin password" })).toMatchObject({ status: 303, location: "/admin" });
    await admin.send("/admin/tokens");
    const token = /class="secret-once">(kpat_[A-Za-z0-9_-]+)</.exec((await admin.form("/admin/tokens", { name: "handbook" })).text)![1]!;
    const auth = { authorization: `Bearer ${token}` };
    const form = new FormData();
    form.append("file", Bun.file(join(ROOT, "test/fixtures/kb/handbook.md")), "handbook.md");
    expect((await fetch(`${base}/api/v1/kb/acme/documents`, { method: "POST", body: form })).status).toBe(401);
    const up = await fetch(`${base}/api/v1/kb/acme/documents`, { method: "POST", body: form, headers: auth });
    expect(up.status).toBe(201);
    const { documents } = (await up.json()) as { documents: { id: string }[] };
    await eventually(async () => ((await (await fetch(`${base}/api/v1/kb/acme/documents/${documents[0]!.id}`, { headers: auth })).json()) as { document: { status: string } }).document.status === "ready", 30_000, "document ready");
    expect(existsSync(extracted)).toBe(true);
    expect(existsSync(join(dir.path, "data/models"))).toBe(false);
    // The console's Knowledge page shows it, from the binary too.
    expect((await admin.send("/admin/knowledge")).text).toContain("Northwind Employee Handbook");

    await tg.userSends(8101, "How long is parental leave?");
    const [reply] = await tg.waitForReplies(8101, 1, { timeoutMs: 20_000 });
    expect(reply!.visible).toBe(ANSWER);
    const tool = llm.journal()[1]!.messages.find((m) => m.role === "tool")!;
    expect(String(tool.content)).toStartWith("[1] Northwind Employee Handbook — Leave > Parental leave\nParents receive 18 weeks of fully paid parental leave");
  } finally {
    child.kill("SIGTERM");
    await child.exited;
  }
}, 120_000);
