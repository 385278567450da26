/**
 * The admin API's behaviour beyond who may call it (routes.test.ts): scoping of lists, validation
 * with the failing field named, config-owned rows, tenant isolation by id, pagination, filters,
 * and the OpenAPI document matching the router. On both databases: every read goes through RLS.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { agents, auditLog, channels, conversations, llmCalls, messages, usageDaily } from "../../db/schema/index.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { browser, type ConsoleFixture, consoleFixture, SEEDED_SECRETS, signIn } from "../../../test/support/admin.ts";
import { OPENAPI } from "./openapi.ts";

describe.each(DB_KINDS)("admin API on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let ada: string;
  let gus: string;
  let channelId: string;
  const api = async (who: keyof ConsoleFixture["tokens"], path: string, init: { method?: string; json?: unknown } = {}) => {
    const res = await f.app().http.handle(
      new Request(`http://localhost/api/v1${path}`, {
        method: init.method ?? (init.json === undefined ? "GET" : "POST"),
        headers: { authorization: `Bearer ${f.tokens[who]}`, "content-type": "application/json" },
        body: init.json === undefined ? undefined : JSON.stringify(init.json),
      }),
    );
    const text = await res.text();
    for (const s of SEEDED_SECRETS) expect(text).not.toContain(s);
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };

  beforeAll(async () => {
    f = await consoleFixture(kind);
    [{ id: ada }] = (await f.app().db.withTenant(f.acme, (tx) => tx.select({ id: agents.id }).from(agents))) as [{ id: string }];
    [{ id: gus }] = (await f.app().db.withTenant(f.globex, (tx) => tx.select({ id: agents.id }).from(agents))) as [{ id: string }];
    [{ id: channelId }] = (await f.app().db.withTenant(f.acme, (tx) => tx.select({ id: channels.id }).from(channels).orderBy(channels.name))) as [{ id: string }];
  });
  afterAll(() => f.cleanup());

  test("tenant lists are scoped: own tenant for tenant roles, all for a platform admin", async () => {
    expect((await api("operator", "/tenants")).body.items.map((t: { slug: string }) => t.slug)).toEqual(["acme"]);
    expect((await api("otherAdmin", "/tenants")).body.items.map((t: { slug: string }) => t.slug)).toEqual(["globex"]);
    expect((await api("platformAdmin", "/tenants")).body.items.map((t: { slug: string }) => t.slug)).toEqual(["acme", "globex"]);
  });

  test("tenants: create validates and refuses duplicates; config tenants are changed in the file", async () => {
    expect(await api("platformAdmin", "/tenants", { json: { slug: "Bad Slug", name: "x" } })).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/^slug: /) } } });
    expect(await api("platformAdmin", "/tenants", { json: { slug: "acme", name: "Again" } })).toMatchObject({ status: 409 });
    expect(await api("platformAdmin", "/tenants", { json: { slug: "initech", name: "Initech", extra: 1 } })).toMatchObject({ status: 400 });
    const made = await api("platformAdmin", "/tenants", { json: { slug: "initech", name: "Initech" } });
    expect(made).toMatchObject({ status: 201, body: { slug: "initech", name: "Initech", source: "ui" } });
    expect(await api("platformAdmin", `/tenants/${made.body.id}`, { method: "PATCH", json: { name: "Initech Inc" } })).toMatchObject({ status: 200, body: { name: "Initech Inc" } });
    expect(await api("platformAdmin", `/tenants/${f.acme}`, { method: "PATCH", json: { name: "Hijacked" } })).toMatchObject({
      status: 409,
      body: { error: { message: "tenant 'acme' is declared in konstruct.config.yaml: change it there" } },
    });
    expect((await api("platformAdmin", "/tenants/not-a-uuid")).status).toBe(404);
    expect((await api("platformAdmin", "/tenants/00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });

  test("teams: created, refused by field, patched, kept to their tenant, deleted", async () => {
    const [spec] = await f.app().db.withTenant(f.acme, (tx) => tx.insert(agents).values({ tenantId: f.acme, slug: "team-spec", name: "Spec" }).returning({ id: agents.id }));
    const path = `/tenants/${f.acme}/teams`;
    const input = { slug: "desk", name: "Desk", coordinator_id: ada, max_fanout: 2, specialists: [{ agent_id: spec!.id, description: "Everything IT." }] };
    expect((await api("tenantAdmin", path, { json: { ...input, specialists: [{ agent_id: ada, description: "x" }] } })).body.error.message).toBe("specialists: the coordinator cannot also be one of its specialists");
    expect((await api("tenantAdmin", path, { json: { ...input, specialists: [{ agent_id: gus, description: "x" }] } })).body.error.message).toBe("specialists: every member must be an AI employee of this tenant");
    expect((await api("tenantAdmin", path, { json: { ...input, max_fanout: 11 } })).body.error.message).toMatch(/^max_fanout: /);
    const made = await api("tenantAdmin", path, { json: input });
    expect(made).toMatchObject({ status: 201, body: { slug: "desk", coordinator_id: ada, max_fanout: 2, specialists: [{ agent_id: spec!.id, slug: "team-spec", description: "Everything IT." }] } });
    expect((await api("tenantAdmin", path, { json: { ...input, slug: "desk-2" } })).body.error.message).toBe("coordinator_id: this AI employee already coordinates another team");
    const patched = await api("tenantAdmin", `${path}/${made.body.id}`, { method: "PATCH", json: { max_fanout: 5 } });
    expect(patched.body).toMatchObject({ slug: "desk", max_fanout: 5, specialists: [{ agent_id: spec!.id }] });
    expect((await api("otherAdmin", `${path}/${made.body.id}`)).status).toBe(403);
    expect((await api("otherAdmin", `/tenants/${f.globex}/teams/${made.body.id}`)).status).toBe(404);
    expect((await api("otherAdmin", `/tenants/${f.globex}/teams`)).body.items).toEqual([]);
    expect((await api("tenantAdmin", path)).body.items.map((t: { slug: string }) => t.slug)).toEqual(["desk"]);
    expect((await api("tenantAdmin", `${path}/${made.body.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await api("tenantAdmin", `${path}/${made.body.id}`)).status).toBe(404);
  });

  test("agents: created in the config shape, validated like the config, patched field by field", async () => {
    const bad = await api("tenantAdmin", `/tenants/${f.acme}/agents`, { json: { slug: "x", name: "X", models: ["nope/model"] } });
    expect(bad).toMatchObject({ status: 400, body: { error: { message: "models.0: unknown provider 'nope'" } } });
    expect((await api("tenantAdmin", `/tenants/${f.acme}/agents`, { json: { slug: "x", name: "X", context_tokens: 10 } })).body.error.message).toMatch(/^context_tokens: /);
    expect((await api("tenantAdmin", `/tenants/${f.acme}/agents`, { json: { slug: "ada", name: "Dup" } })).status).toBe(409);
    const made = await api("tenantAdmin", `/tenants/${f.acme}/agents`, {
      json: { slug: "bea", name: "Bea", persona: "kind", models: ["mock/gpt-test"], budget: { daily_usd: 2 } },
    });
    expect(made).toMatchObject({ status: 201, body: { slug: "bea", tenant_id: f.acme, budget: { daily_usd: 2, monthly_usd: 0 }, context_tokens: 8000, source: "ui" } });
    const patched = await api("tenantAdmin", `/tenants/${f.acme}/agents/${made.body.id}`, { method: "PATCH", json: { instructions: "Be brief.", budget: { monthly_usd: 30 } } });
    expect(patched.body).toMatchObject({ name: "Bea", persona: "kind", instructions: "Be brief.", budget: { daily_usd: 2, monthly_usd: 30 } });
    // A script passes the version it read: a change made after someone else's is refused (409), nothing written.
    const read = await api("tenantAdmin", `/tenants/${f.acme}/agents/${made.body.id}`);
    expect(read.body.version).toBe(2);
    const first = await api("tenantAdmin", `/tenants/${f.acme}/agents/${made.body.id}`, { method: "PATCH", json: { role: "billing", version: 2 } });
    expect(first.body).toMatchObject({ role: "billing", version: 3 });
    const late = await api("tenantAdmin", `/tenants/${f.acme}/agents/${made.body.id}`, { method: "PATCH", json: { role: "sales", version: 2 } });
    expect(late).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining("someone else saved this AI employee") } } });
    expect((await api("tenantAdmin", `/tenants/${f.acme}/agents/${made.body.id}`)).body).toMatchObject({ role: "billing", version: 3 });
    expect((await api("tenantAdmin", `/tenants/${f.acme}/agents/${made.body.id}`, { method: "PATCH", json: { version: "3" } })).status).toBe(400);
    // Money is exact: a tiny cap is kept (not rounded to 0 = no cap), one the store cannot hold is refused by name.
    const tiny = await api("tenantAdmin", `/tenants/${f.acme}/agents/${made.body.id}`, { method: "PATCH", json: { budget: { daily_usd: 0.000001 } } });
    expect(tiny.body.budget).toEqual({ daily_usd: 0.000001, monthly_usd: 30 });
    const tooFine = await api("tenantAdmin", `/tenants/${f.acme}/agents/${made.body.id}`, { method: "PATCH", json: { budget: { daily_usd: 1e-10 } } });
    expect(tooFine).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/^budget\.daily_usd: has more than 9 decimal places/) } } });
    expect((await api("tenantAdmin", `/tenants/${f.acme}/agents`, { json: { slug: "neg", name: "Neg", budget: { monthly_usd: -1 } } })).body.error.message).toBe("budget.monthly_usd: cannot be negative");
    expect((await api("tenantAdmin", `/tenants/${f.acme}/agents/${ada}`, { method: "PATCH", json: { name: "Other" } })).status).toBe(409);
    expect((await api("tenantAdmin", `/tenants/${f.acme}/agents/${made.body.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await api("tenantAdmin", `/tenants/${f.acme}/agents/${made.body.id}`)).status).toBe(404);
  });

  test("another tenant's agent is not found through one's own tenant, even by a platform admin", async () => {
    expect((await api("tenantAdmin", `/tenants/${f.acme}/agents/${gus}`)).status).toBe(404);
    expect((await api("platformAdmin", `/tenants/${f.acme}/agents/${gus}`)).status).toBe(404);
    expect((await api("platformAdmin", `/tenants/${f.globex}/agents/${gus}`)).body.slug).toBe("gus");
    expect((await api("tenantAdmin", `/tenants/${f.acme}/agents/${gus}`, { method: "DELETE" })).status).toBe(404);
  });

  test("channels show their settings and never their credentials", async () => {
    const list = await api("tenantAdmin", `/tenants/${f.acme}/channels`);
    expect(list.body.items.map((c: { name: string }) => c.name)).toEqual(["acme-slack", "acme-tg"]);
    const slack = list.body.items[0];
    expect(Object.keys(slack).sort()).toEqual(["agent_id", "created_at", "id", "kind", "mode", "name", "settings", "source", "tenant_id", "updated_at", "webhook_url"]);
    expect(slack.settings).toEqual({ api_url: "https://slack.com/api/", feedback: "off", team_id: "", voice_replies: "off" });
    expect(slack.webhook_url).toBeNull();
    expect((await api("tenantAdmin", `/tenants/${f.acme}/channels/${channelId}`)).body.name).toBe("acme-slack");
  });

  test("conversations page by cursor, filter by agent, and open as a transcript with LLM calls", async () => {
    const ids = await f.app().db.withTenant(f.acme, async (tx) => {
      const out: string[] = [];
      for (let i = 0; i < 5; i++) {
        const [c] = await tx
          .insert(conversations)
          .values({ tenantId: f.acme, agentId: ada, channelId, chatKey: `chat-${i}`, lastMessageAt: new Date(Date.UTC(2026, 0, 1, 0, i)) })
          .returning({ id: conversations.id });
        out.push(c!.id);
      }
      await tx.insert(messages).values([
        { tenantId: f.acme, conversationId: out[4]!, role: "user", content: "hello", createdAt: new Date(Date.UTC(2026, 0, 1, 0, 4, 1)) },
        { tenantId: f.acme, conversationId: out[4]!, role: "assistant", content: "hi there", createdAt: new Date(Date.UTC(2026, 0, 1, 0, 4, 2)) },
      ]);
      await tx.insert(llmCalls).values({ tenantId: f.acme, agentId: ada, conversationId: out[4]!, provider: "mock", model: "gpt-test", ok: true, promptTokens: 12, completionTokens: 3, costUsd: "0.000150" });
      return out;
    });
    const seen: string[] = [];
    let cursor = "";
    for (let pages = 0; pages < 5; pages++) {
      const r = await api("operator", `/tenants/${f.acme}/conversations?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...r.body.items.map((c: { id: string }) => c.id));
      if (!r.body.next) break;
      cursor = r.body.next;
    }
    expect(seen).toEqual([...ids].reverse());
    expect((await api("operator", `/tenants/${f.acme}/conversations?agent_id=${gus}`)).body.items).toEqual([]);
    expect((await api("operator", `/tenants/${f.acme}/conversations?cursor=garbage`)).status).toBe(400);
    expect((await api("operator", `/tenants/${f.acme}/conversations?limit=0`)).body.error.message).toBe("limit: an integer from 1 to 200");
    const t = await api("operator", `/tenants/${f.acme}/conversations/${ids[4]}`);
    expect(t.body.messages.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([["user", "hello"], ["assistant", "hi there"]]);
    expect(t.body.llm_calls).toMatchObject([{ model: "gpt-test", prompt_tokens: 12, completion_tokens: 3, cost_usd: 0.00015, ok: true }]);
    expect((await api("otherAdmin", `/tenants/${f.globex}/conversations/${ids[4]}`)).status).toBe(404);
  });

  test("audit filters by kind and time; usage sums a date range", async () => {
    await f.app().db.withTenant(f.acme, (tx) =>
      tx.insert(auditLog).values([
        { tenantId: f.acme, kind: "inbound", summary: "in", at: new Date("2026-02-01T10:00:00Z") },
        { tenantId: f.acme, kind: "outbound", summary: "out", at: new Date("2026-02-01T10:00:05Z") },
        { tenantId: f.acme, kind: "inbound", summary: "in again", at: new Date("2026-02-02T10:00:00Z") },
      ]),
    );
    const inbound = await api("tenantAdmin", `/tenants/${f.acme}/audit?kind=inbound`);
    expect(inbound.body.items.map((e: { summary: string }) => e.summary)).toEqual(["in again", "in"]);
    const day = await api("tenantAdmin", `/tenants/${f.acme}/audit?from=2026-02-01T00:00:00Z&to=2026-02-02T00:00:00Z`);
    expect(day.body.items.map((e: { summary: string }) => e.summary)).toEqual(["out", "in"]);
    expect((await api("tenantAdmin", `/tenants/${f.acme}/audit?from=yesterday`)).status).toBe(400);

    await f.app().db.withTenant(f.acme, (tx) =>
      tx.insert(usageDaily).values([
        { tenantId: f.acme, agentId: ada, day: "2026-02-01", provider: "mock", model: "gpt-test", calls: 3, promptTokens: 300, completionTokens: 30, costUsd: "0.010000" },
        { tenantId: f.acme, agentId: ada, day: "2026-02-02", provider: "mock", model: "gpt-test", calls: 1, failedCalls: 1, promptTokens: 100, completionTokens: 0, costUsd: "0.002500" },
        { tenantId: f.acme, agentId: ada, day: "2026-03-01", provider: "mock", model: "gpt-test", calls: 9, costUsd: "1" },
      ]),
    );
    const usage = await api("operator", `/tenants/${f.acme}/usage?from=2026-02-01&to=2026-02-28`);
    expect(usage.body.items.map((u: { day: string }) => u.day)).toEqual(["2026-02-01", "2026-02-02"]);
    expect(usage.body.totals).toEqual({ calls: 4, failed_calls: 1, prompt_tokens: 400, completion_tokens: 30, cost_usd: 0.0125 });
    expect((await api("operator", `/tenants/${f.acme}/usage?from=2026-03-01&to=2026-02-01`)).body.error.message).toBe("from: must not be after to");
    expect((await api("otherAdmin", `/tenants/${f.globex}/usage?from=2026-02-01&to=2026-02-28`)).body.items).toEqual([]);
  });

  test("the OpenAPI document describes exactly the router's /api/v1 routes", async () => {
    const routed = f
      .app()
      .http.routes.filter((r) => r.path.startsWith("/api/v1"))
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
    const documented = Object.entries(OPENAPI.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((k) => ["get", "post", "patch", "put", "delete"].includes(k))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect([...new Set(routed)].sort()).toEqual(documented.sort());
    const doc = await api("operator", "/openapi.json");
    expect(doc.body.openapi).toBe("3.1.0");
    const page = await (await (await signIn(browser(f.app), f.emails.operator)).fetch("/admin/api")).text();
    expect(page).toContain("/api/v1/tenants/{tenantId}/conversations/{id}");
  });
});
