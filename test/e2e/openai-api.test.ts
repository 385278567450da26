/**
 * The OpenAI-compatible API over HTTP with the real `openai` client, on both databases: an answer
 * with usage, streaming that assembles to the same answer, a named conversation that keeps its
 * history, idempotent retries, the errors (401, 404, 429 over budget and per key, 400), and two
 * tenants: tenant A's key cannot use (nor see) tenant B's AI employee — 404, as for one that does
 * not exist. Keys are created through the admin API by each tenant's admin.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { eq } from "drizzle-orm";
import { type TenantAdmin, tenantAdmins, tenantIdOf } from "../support/admin.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { ADAPTERS } from "../../src/gateway/gateway.ts";
import { agents, auditLog, channels, conversations, messages } from "../../src/db/schema/index.ts";

const LONG = "The quarterly report is due on Friday. ".repeat(12).trim();

describe.each(DB_KINDS)("OpenAI-compatible API on %s Postgres", (kind) => {
  let t: TestApp;
  let llm: LlmMock;
  let admins: Record<"acme" | "globex", TenantAdmin>;
  let base = "";
  let acmeKey = "";
  let globexKey = "";
  let acme = "";

  const client = (apiKey: string, maxRetries = 0) => new OpenAI({ apiKey, baseURL: `${base}/v1`, maxRetries });
  async function newKey(admin: TenantAdmin, tenantId: string, body: Record<string, unknown>): Promise<string> {
    const res = await admin.api(`/api/v1/tenants/${tenantId}/api-keys`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(res.status).toBe(201);
    return ((await res.json()) as { key: string }).key;
  }

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.replyAll("Hello from Ada.");
    llm.on({ lastUser: "report" }, { text: LONG, usage: { promptTokens: 42, completionTokens: 17 } });
    llm.on({ lastUser: "remember the blue folder" }, { text: "Noted.", usage: { promptTokens: 30, completionTokens: 2 } });
    llm.on({ lastUser: "what did I say" }, { text: "You mentioned the blue folder.", usage: { promptTokens: 50, completionTokens: 6 } });
    t = await startTestApp(
      kind,
      {
        server: { host: "127.0.0.1", port: 0 },
        llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }], prices: { "mock/m": { input_per_mtok: 1000, output_per_mtok: 1000 } } },
        api: { key: { capacity: 20, refill_per_sec: 0.01 } },
        tenants: [
          {
            slug: "acme",
            name: "Acme",
            agents: [
              { slug: "ada", name: "Ada", models: ["mock/m"] },
              { slug: "poor", name: "Poor", models: ["mock/m"], budget: { daily_usd: 0.01 } },
            ],
          },
          { slug: "globex", name: "Globex", agents: [{ slug: "gus", name: "Gus", models: ["mock/m"] }] },
        ],
      },
      { listen: true, adapters: { api: ADAPTERS.api! } },
    );
    base = `http://127.0.0.1:${t.app.server!.port}`;
    admins = await tenantAdmins(() => t.app, ["acme", "globex"]);
    acme = await tenantIdOf(t.app, "acme");
    acmeKey = await newKey(admins.acme, acme, { name: "acme tools" });
    globexKey = await newKey(admins.globex, await tenantIdOf(t.app, "globex"), { name: "globex tools" });
  }, 60_000);
  afterAll(async () => {
    await t?.cleanup();
    await llm?.stop();
  });

  test("a chat completion answers with the agent's reply and its usage, as a channel of its own", async () => {
    const r = await client(acmeKey).chat.completions.create({ model: "acme/ada", messages: [{ role: "user", content: "send me the report" }] });
    expect(r.object).toBe("chat.completion");
    expect(r.choices[0]!.message.content).toBe(LONG);
    expect(r.choices[0]!.finish_reason).toBe("stop");
    expect(r.usage).toMatchObject({ prompt_tokens: 42, completion_tokens: 17, total_tokens: 59 });
    const [ch] = await t.app.db.withTenant(acme, (tx) => tx.select({ id: channels.id, kind: channels.kind }).from(channels).where(eq(channels.kind, "api")));
    expect(ch?.kind).toBe("api");
    const convs = await t.app.db.withTenant(acme, (tx) => tx.select().from(conversations).where(eq(conversations.channelId, ch!.id)));
    expect(convs.length).toBeGreaterThanOrEqual(1);
    const inbound = await t.app.db.withTenant(acme, (tx) => tx.select().from(auditLog).where(eq(auditLog.kind, "inbound")));
    expect(inbound.some((a) => a.summary.includes("send me the report"))).toBe(true);
  });

  test("streaming: chunks assemble to the full answer, usage last, then [DONE]", async () => {
    const stream = await client(acmeKey).chat.completions.create({ model: "acme/ada", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "the report again" }] });
    let text = "";
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const c of stream) {
      expect(c.object).toBe("chat.completion.chunk");
      text += c.choices[0]?.delta?.content ?? "";
      if (c.choices[0]?.delta?.content) chunks++;
      if (c.usage) usage = c.usage;
    }
    expect(text).toBe(LONG);
    expect(chunks).toBeGreaterThan(1);
    expect(usage).toMatchObject({ prompt_tokens: 42, completion_tokens: 17, total_tokens: 59 });
  });

  test("a named conversation keeps its history on the server; a retry with the same Idempotency-Key runs no second turn", async () => {
    const c = client(acmeKey);
    const body = { model: "acme/ada", user: "u-77", messages: [{ role: "user" as const, content: "remember the blue folder" }] };
    const first = await c.chat.completions.create(body, { headers: { "idempotency-key": "k-1" } });
    const again = await c.chat.completions.create(body, { headers: { "idempotency-key": "k-1" } });
    expect(again.choices[0]!.message.content).toBe(first.choices[0]!.message.content);
    const said = await t.app.db.withTenant(acme, (tx) => tx.select().from(messages).where(eq(messages.content, "remember the blue folder")));
    expect(said).toHaveLength(1);
    const later = await c.chat.completions.create({ model: "acme/ada", user: "u-77", messages: [{ role: "user", content: "what did I say?" }] });
    expect(later.choices[0]!.message.content).toBe("You mentioned the blue folder.");
    // Each answer counts its own turn's calls, not the conversation's earlier ones.
    expect([first.usage?.total_tokens, later.usage?.total_tokens]).toEqual([32, 56]);
    const sent = llm.journal().filter((j) => j.lastUser?.includes("what did I say"));
    expect(JSON.stringify(sent.at(-1)!.messages)).toContain("remember the blue folder");
  });

  test("errors in OpenAI's shape: 401 bad key, 404 unknown model, 400 bad body, 429 over budget", async () => {
    const bad = await client("ksk_not-a-key").chat.completions.create({ model: "acme/ada", messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
    expect(bad).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(bad.status).toBe(401);
    const missing = await client(acmeKey).chat.completions.create({ model: "acme/nobody", messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing.error).toMatchObject({ type: "invalid_request_error", code: "model_not_found" });
    const empty = await client(acmeKey).chat.completions.create({ model: "acme/ada", messages: [] }).catch((e) => e);
    expect(empty).toBeInstanceOf(OpenAI.BadRequestError);
    const raw = await fetch(`${base}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${acmeKey}`, "content-type": "application/json" }, body: "{not json" });
    expect(raw.status).toBe(400);
    expect(((await raw.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
    const big = await fetch(`${base}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${acmeKey}`, "content-type": "application/json" }, body: JSON.stringify({ model: "acme/ada", messages: [{ role: "user", content: "x".repeat(300_000) }] }) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { message: string } }).error.message).toContain("larger than");
    // Poor's daily budget (a cent) cannot pay for one call at this price: the turn stops before the model, 429.
    const broke = await client(acmeKey).chat.completions.create({ model: "acme/poor", messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
    expect(broke).toBeInstanceOf(OpenAI.RateLimitError);
    expect(broke.error.code).toBe("insufficient_quota");
    expect(broke.message).toContain("daily budget of $0.01");
    expect(llm.journal().some((j) => j.messages.some((m) => JSON.stringify(m.content).includes("Poor")))).toBe(false);
  });

  test("two tenants: a key of one cannot use, nor list, the other's AI employee", async () => {
    const cross = await client(acmeKey).chat.completions.create({ model: "globex/gus", messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
    expect(cross).toBeInstanceOf(OpenAI.NotFoundError);
    const unknown = await client(acmeKey).chat.completions.create({ model: "globex/nobody", messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
    expect(cross.message.replace("gus", "X")).toBe(unknown.message.replace("nobody", "X"));
    expect(cross.error).toEqual(unknown.error ? { ...unknown.error, message: unknown.error.message.replace("nobody", "gus") } : null);
    const models = (await client(globexKey).models.list()).data.map((m) => m.id);
    expect(models).toEqual(["globex/gus"]);
    const own = await client(globexKey).chat.completions.create({ model: "globex/gus", messages: [{ role: "user", content: "hi" }] });
    expect(own.choices[0]!.message.content).toBe("Hello from Ada.");
    // An agent key sees its agent alone.
    const [poor] = await t.app.db.withTenant(acme, (tx) => tx.select({ id: agents.id }).from(agents).where(eq(agents.slug, "poor")));
    const agentKey = await newKey(admins.acme, acme, { name: "poor only", agent_id: poor!.id });
    expect((await client(agentKey).models.list()).data.map((m) => m.id)).toEqual(["acme/poor"]);
    expect(await client(agentKey).chat.completions.create({ model: "acme/ada", messages: [{ role: "user", content: "hi" }] }).catch((e) => e.status)).toBe(404);
    // Globex's admin cannot list Acme's keys.
    expect((await admins.globex.api(`/api/v1/tenants/${acme}/api-keys`)).status).toBe(403);
  });

  test("rate limit per key: 429 with Retry-After once the key's bucket is empty", async () => {
    const key = await newKey(admins.acme, acme, { name: "burst" });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await fetch(`${base}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).status);
    expect(statuses).toEqual(Array(20).fill(200));
    const over = await fetch(`${base}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    expect(over.status).toBe(429);
    expect(over.headers.get("retry-after")).toBeTruthy();
    expect(((await over.json()) as { error: { code: string } }).error.code).toBe("rate_limit_exceeded");
  });
});
