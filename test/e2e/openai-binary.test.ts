/**
 * The OpenAI-compatible API from the compiled binary, script-style: an admin (CLI) signs in, makes
 * a personal access token, creates an API key for the config's tenant, and a script using the real
 * `openai` package talks to the AI employee — a plain answer and a stream (aimock LLM).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import OpenAI from "openai";
import { eventually } from "../support/app.ts";
import { BINARY, ensureBinary } from "../support/binary.ts";
import { tempDir } from "../support/db.ts";
import { client } from "../support/http-client.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { securityConfig } from "../support/outbound.ts";
import { testPort } from "../support/ports.ts";

let dir: { path: string; remove(): void };
let llm: LlmMock;

beforeAll(async () => {
  ensureBinary();
  llm = await startLlmMock();
  dir = tempDir("konstruct-openai-binary-");
}, 300_000);
afterAll(async () => {
  await llm.stop();
  dir.remove();
});

test("a script with the openai package talks to an AI employee of the binary", async () => {
  llm.replyAll("Hello from the binary, this answer is streamed in pieces when asked for a stream.");
  const port = testPort();
  const base = `http://127.0.0.1:${port}`;
  const tenants = [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"] }] }];
  writeFileSync(join(dir.path, "konstruct.config.yaml"), JSON.stringify({ security: securityConfig, server: { host: "127.0.0.1", port }, llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }] }, tenants }));
  writeFileSync(join(dir.path, "pw"), "binary admin password\n");
  const env = { PATH: "/usr/bin:/bin", HOME: dir.path };
  Bun.spawnSync([BINARY, "admin", "create", "--email", "root@example.com", "--password-file", "pw"], { cwd: dir.path, env });
  const child = Bun.spawn([BINARY, "serve"], { cwd: dir.path, env, stdout: "ignore", stderr: "inherit" });
  try {
    await eventually(async () => (await fetch(`${base}/readyz`).catch(() => null))?.ok, 30_000, "binary ready");
    const admin = client(base);
    await admin.send("/login");
    await admin.form("/login", { email: "root@example.com", password: "binary admin password" });
    await admin.send("/admin/tokens");
    const pat = /class="secret-once">(kpat_[A-Za-z0-9_-]+)</.exec((await admin.form("/admin/tokens", { name: "binary" })).text)![1]!;
    const auth = { authorization: `Bearer ${pat}`, "content-type": "application/json" };
    const { items } = (await (await fetch(`${base}/api/v1/tenants`, { headers: auth })).json()) as { items: { id: string; slug: string }[] };
    const acme = items.find((t) => t.slug === "acme")!.id;
    const made = await fetch(`${base}/api/v1/tenants/${acme}/api-keys`, { method: "POST", headers: auth, body: JSON.stringify({ name: "script" }) });
    expect(made.status).toBe(201);
    const { key } = (await made.json()) as { key: string };

    const openai = new OpenAI({ apiKey: key, baseURL: `${base}/v1`, maxRetries: 0 });
    expect((await openai.models.list()).data.map((m) => m.id)).toEqual(["acme/ada"]);
    const r = await openai.chat.completions.create({ model: "acme/ada", messages: [{ role: "user", content: "Hi" }] });
    expect(r.choices[0]!.message.content).toBe("Hello from the binary, this answer is streamed in pieces when asked for a stream.");
    let text = "";
    for await (const c of await openai.chat.completions.create({ model: "acme/ada", stream: true, messages: [{ role: "user", content: "Hi again" }] })) text += c.choices[0]?.delta?.content ?? "";
    expect(text).toBe(r.choices[0]!.message.content!);
    expect(await openai.chat.completions.create({ model: "acme/ada", messages: [{ role: "user", content: "x" }] }, { headers: { authorization: "Bearer ksk_wrong" } }).catch((e) => e.status)).toBe(401);
  } finally {
    child.kill();
    await child.exited;
  }
}, 120_000);
