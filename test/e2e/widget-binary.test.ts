/**
 * The website widget from the compiled binary: an admin (CLI) signs in, sets up the AI employee's
 * widget on the console page with the shop's origin, and a visitor — HTTP calls as the script makes
 * them, from that origin — loads the script named in the snippet, gets a token, writes and reads the
 * reply (aimock LLM). The script is the one compiled into the binary.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { eventually } from "../support/app.ts";
import { BINARY, ensureBinary } from "../support/binary.ts";
import { tempDir } from "../support/db.ts";
import { client } from "../support/http-client.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { securityConfig } from "../support/outbound.ts";
import { testPort } from "../support/ports.ts";

const SHOP = "https://shop.acme.test";
let dir: { path: string; remove(): void };
let llm: LlmMock;

beforeAll(async () => {
  ensureBinary();
  llm = await startLlmMock();
  dir = tempDir("konstruct-widget-binary-");
}, 300_000);
afterAll(async () => {
  await llm.stop();
  dir.remove();
});

test("a website visitor chats with an AI employee of the binary through the widget", async () => {
  llm.replyAll("Hello from the binary's widget.");
  const port = testPort();
  const base = `http://127.0.0.1:${port}`;
  const tenants = [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"] }] }];
  const config = { security: securityConfig, server: { host: "127.0.0.1", port, public_url: base }, llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }] }, tenants };
  writeFileSync(join(dir.path, "konstruct.config.yaml"), JSON.stringify(config));
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
    const auth = { authorization: `Bearer ${pat}` };
    const { items } = (await (await fetch(`${base}/api/v1/tenants`, { headers: auth })).json()) as { items: { id: string; slug: string }[] };
    const acme = items.find((t) => t.slug === "acme")!.id;
    const agents = (await (await fetch(`${base}/api/v1/tenants/${acme}/agents`, { headers: auth })).json()) as { items: { id: string }[] };
    const page = `/admin/agents/${agents.items[0]!.id}/widget?tenant=${acme}`;
    await admin.send(page);
    expect((await admin.form(page, { enabled: "on", origins: SHOP })).status).toBe(303);
    const snippet = /&lt;script src=&quot;([^&]+)&quot; async&gt;/.exec((await admin.send(page)).text)![1]!;
    expect(snippet).toStartWith(`${base}/widget/`);
    const script = await fetch(snippet);
    expect(script.status).toBe(200);
    expect(await script.text()).toContain("attachShadow");
    const api = snippet.replace(/\.js$/, "");
    const call = (what: string, body: unknown) => fetch(`${api}/${what}`, { method: "POST", headers: { origin: SHOP, "content-type": "text/plain" }, body: JSON.stringify(body) });
    const { token } = (await (await call("session", {})).json()) as { token: string };
    expect((await call("messages", { token, id: "binary-msg-1", text: "Hello?" })).status).toBe(202);
    const reply = await eventually(async () => {
      const { lines } = (await (await call("poll", { token })).json()) as { lines: { from: string; html?: string }[] };
      return lines.find((l) => l.from === "agent")?.html;
    }, 30_000, "the widget's reply");
    expect(reply).toBe("Hello from the binary's widget.");
    expect((await fetch(`${api}/session`, { method: "POST", headers: { origin: "https://evil.test" }, body: "{}" })).status).toBe(403);
  } finally {
    child.kill();
    await child.exited;
  }
}, 120_000);
