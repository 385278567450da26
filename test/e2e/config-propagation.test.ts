/**
 * Configuration edits reach every replica: two createApp instances (two data dirs, one secrets key)
 * on one real Postgres. A platform admin replaces the provider's key on replica A through the
 * console's route; replica B's pool calls the LLM mock with the new key within 2 s (checked at the
 * mock's journal: it accepts only the new key and journals only accepted requests; it redacts keys). A tenant's own provider added on A is usable on
 * B, and deleting it on A removes it from B. Run twice: Postgres NOTIFY alone, and with Redis configured on
 * both (the notice goes over Redis pub/sub as well and is applied once; B says which transport brought it).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createLogger } from "../../src/log/logger.ts";
import { type App, createApp } from "../../src/app/create-app.ts";
import { validate } from "../../src/config/load.ts";
import { tenantProviderKey } from "../../src/llm/pool.ts";
import { type Browser, type ConsoleFixture, consoleFixture } from "../support/admin.ts";
import { eventually } from "../support/app.ts";
import { REDIS_URL, tempDir } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { securityConfig } from "../support/outbound.ts";

const OLD = "sk-old-platform-key-1";
const NEW = "sk-new-platform-key-2";
const key = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64");

describe.each([false, true])("config edits propagate across replicas (external Postgres, Redis %p)", (withRedis) => {
  let llm: LlmMock;
  let f: ConsoleFixture;
  let b: App;
  let admin: Browser;
  let bDir: { path: string; remove(): void };
  /** B's warnings (a notice that failed to apply, a Redis slot not taken): printed when B misses the edit. */
  const bWarnings: string[] = [];
  const config = () => ({
    secrets: { key },
    ...(withRedis ? { redis: { url: REDIS_URL } } : {}),
    llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, api_key: OLD }] },
    tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"] }] }, { slug: "globex", name: "Globex", agents: [] }],
  });

  beforeAll(async () => {
    llm = await startLlmMock({ apiKeys: [NEW] });
    llm.replyAll("pong");
    f = await consoleFixture("external", config());
    bDir = tempDir();
    const url = f.app().config.database.url;
    b = createApp(validate({ security: securityConfig, ...config(), data_dir: bDir.path, database: { url, pool_size: 4, connect_attempts: 1 } }), { log: createLogger("warn", { write: (line: string) => void bWarnings.push(line.slice(0, 500)) }), listen: false, adapters: {} });
    await b.start();
    admin = (await f.sessions()).platformAdmin;
  }, 60_000);
  afterAll(async () => {
    await b?.stop();
    await f?.cleanup();
    await bDir?.remove();
    await llm?.stop();
  });

  const ask = (app: App, chain: string, text: string) => app.gateway.pool.chat([chain], { messages: [{ role: "user", content: text }] }).catch(() => null);

  test("a provider's key replaced on A is used by B within 2 s", async () => {
    expect(await ask(b, "mock/m", "before")).toBeNull();
    expect(llm.journal().some((r) => r.lastUser === "before")).toBe(false);
    const form = { id: "mock", kind: "openai", base_url: llm.url, api_key: NEW, timeout_ms: "5000", max_concurrency: "4" };
    const saved = await admin.fetch("/admin/providers/mock?scope=platform", { form });
    expect(saved.status).toBe(303);
    const editedAt = Date.now();
    let n = 0;
    await eventually(async () => {
      const text = `after-${n++}`;
      const answered = await ask(b, "mock/m", text);
      return answered?.content === "pong" && llm.journal().some((r) => r.lastUser === text && r.status === 200);
    }, 2_000, "replica B using the new key").catch((e) => Promise.reject(new Error(`${e.message}; B heard ${JSON.stringify(b.gateway.configBus.heard)}, B's warnings: ${bWarnings.join("") || "none"}`)));
    expect(Date.now() - editedAt).toBeLessThan(2_000);
    // With Redis on both, B heard it once — over whichever transport came first — and Redis is subscribed.
    const heard = b.gateway.configBus.heard;
    expect(heard.redis + heard.postgres).toBeGreaterThanOrEqual(1);
    if (!withRedis) expect(heard.redis).toBe(0);
    // A, which served the edit, uses it too.
    await ask(f.app(), "mock/m", "on A");
    expect(llm.journal().at(-1)).toMatchObject({ lastUser: "on A", status: 200 });
  });

  test("a tenant's own provider added and deleted on A appears and disappears on B", async () => {
    const tenantAdmin = (await f.sessions()).tenantAdmin;
    const form = { id: "mine", kind: "openai", base_url: llm.url, api_key: NEW, timeout_ms: "5000", max_concurrency: "2" };
    expect((await tenantAdmin.fetch(`/admin/providers?tenant=${f.acme}&scope=tenant`, { form })).status).toBe(303);
    const own = tenantProviderKey(f.acme, "mine");
    await eventually(() => b.gateway.pool.providers().includes(own), 2_000, "B knowing acme's provider");
    const answered = await b.gateway.pool.chat(["mine/m"], { messages: [{ role: "user", content: "byo" }] }, { tenantId: f.acme });
    expect(answered.content).toBe("pong");
    // Globex's turns never see it on B either.
    expect(await b.gateway.pool.chat(["mine/m"], { messages: [{ role: "user", content: "x" }] }, { tenantId: f.globex }).catch((e) => String(e))).toContain("unknown provider");
    expect((await tenantAdmin.fetch(`/admin/providers/mine/delete?tenant=${f.acme}&scope=tenant`, { method: "POST" })).status).toBe(303);
    await eventually(() => !b.gateway.pool.providers().includes(own), 2_000, "B forgetting acme's provider");
  });
});
