/**
 * /metrics from a real createApp on both databases: model calls by provider/model/outcome with
 * latency, tokens and cost (real LLM mock, priced model); inbox and outbox backlog with the age of
 * the oldest item summed over two tenants; database and data_dir sizes; replica identity; the
 * bearer token; the access log line (route pattern, no query string); the Grafana dashboard and
 * alert rules name only metrics that a real scrape declares.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import pino from "pino";
import { parse } from "yaml";
import { startTestApp, type TestApp } from "../../test/support/app.ts";
import { DB_KINDS } from "../../test/support/db.ts";
import { type LlmMock, startLlmMock } from "../../test/support/llm.ts";
import { agents, channels, inboundEvents, outboundMessages, tenants } from "../db/schema/index.ts";

const TOKEN = "metrics-scrape-token-5151";

describe.each(DB_KINDS)("/metrics on %s Postgres", (kind) => {
  let llm: LlmMock;
  let t: TestApp;
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.on({ model: "m" }, { text: "fine", usage: { promptTokens: 1000, completionTokens: 500 } });
    llm.on({ model: "broken" }, { status: 500 });
    t = await startTestApp(
      kind,
      {
        log: { level: "info", access: true },
        metrics: { token: TOKEN },
        llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, api_key: "sk-x" }], prices: { "mock/m": { input_per_mtok: 2, output_per_mtok: 8 } } },
        tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada" }] }, { slug: "globex", name: "Globex", agents: [{ slug: "gus", name: "Gus" }] }],
      },
      { log: pino({ level: "info" }, sink), adapters: {} },
    );
    // One stuck inbound event and one unsent reply per tenant, an hour and two minutes old: claimed
    // by another replica whose lease is still valid, so nothing here picks them up.
    for (const { id } of await t.app.db.platform((tx) => tx.select({ id: tenants.id }).from(tenants))) {
      await t.app.db.withTenant(id, async (tx) => {
        const [agent] = await tx.select({ id: agents.id }).from(agents);
        const [ch] = await tx.insert(channels).values({ tenantId: id, agentId: agent!.id, kind: "fake", name: "x", mode: "webhook", secrets: new Uint8Array() }).returning({ id: channels.id });
        if (!ch) throw new Error("channel insert failed");
        const [ev] = await tx
          .insert(inboundEvents)
          .values({ tenantId: id, channelId: ch.id, eventKey: "stuck", status: "processing", owner: "elsewhere", leaseUntil: new Date(Date.now() + 3_600_000), message: {}, receivedAt: new Date(Date.now() - 3_600_000) })
          .returning({ id: inboundEvents.id });
        await tx.insert(outboundMessages).values({ tenantId: id, channelId: ch.id, inboundEventId: ev!.id, seq: 0, chatKey: "c", text: "x", status: "pending", createdAt: new Date(Date.now() - 120_000) });
      });
    }
  }, 60_000);
  afterAll(async () => {
    await t?.cleanup();
    await llm?.stop();
  });

  const scrape = async (token = TOKEN) => t.app.http.handle(new Request("http://localhost/metrics?token=leak-me-not", { headers: token ? { authorization: `Bearer ${token}` } : {} }));
  const value = (body: string, series: string) => {
    const line = body.split("\n").find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  test("refuses a scrape without the bearer token", async () => {
    expect((await scrape("")).status).toBe(401);
    expect((await scrape("wrong-token-of-same-size-xx")).status).toBe(401);
  });

  test("model calls, tokens, cost, backlog, sizes and replica identity", async () => {
    await t.app.gateway.pool.chat(["mock/broken", "mock/m"], { messages: [{ role: "user", content: "hi" }] });
    const res = await scrape();
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(value(body, 'konstruct_llm_calls_total{provider="mock",model="m",outcome="ok"}')).toBe(1);
    expect(value(body, 'konstruct_llm_calls_total{provider="mock",model="broken",outcome="server"}')).toBe(1);
    expect(value(body, 'konstruct_llm_call_duration_seconds_count{provider="mock",model="m",outcome="ok"}')).toBe(1);
    expect(value(body, 'konstruct_llm_tokens_total{provider="mock",model="m",direction="input"}')).toBe(1000);
    expect(value(body, 'konstruct_llm_tokens_total{provider="mock",model="m",direction="output"}')).toBe(500);
    expect(value(body, 'konstruct_llm_cost_dollars_total{provider="mock",model="m"}')).toBeCloseTo((1000 * 2 + 500 * 8) / 1e6, 9);
    // Two tenants, one each: summed across tenants (no tenant label).
    expect(value(body, "konstruct_inbox_backlog")).toBe(2);
    expect(value(body, "konstruct_inbox_oldest_age_seconds")).toBeGreaterThanOrEqual(3590);
    expect(value(body, "konstruct_outbox_backlog")).toBe(2);
    expect(value(body, "konstruct_outbox_oldest_age_seconds")).toBeGreaterThanOrEqual(110);
    expect(value(body, `konstruct_database_size_bytes{mode="${kind}"}`)).toBeGreaterThan(1_000_000);
    expect(value(body, "konstruct_data_dir_bytes")).toBeGreaterThan(kind === "embedded" ? 1_000_000 : 0);
    expect(body).toMatch(/^konstruct_replica_info\{replica="[^"]+",version="[^"]+"\} 1$/m);
    expect(body).not.toMatch(/tenant[_a-z]*="|acme|globex/);
    // Every gauge was read (a failing read is logged and leaves its gauge as it was).
    expect(lines.join("\n")).not.toContain("could not be read");
  });

  test("one access line per request: the route's pattern, never the query string or a header", async () => {
    await scrape();
    await Bun.sleep(20);
    const access = lines.filter((l) => l.includes('"msg":"http request"')).map((l) => JSON.parse(l));
    expect(access.some((l) => l.route === "/metrics" && l.status === 200 && l.method === "GET" && typeof l.ms === "number")).toBe(true);
    expect(access.some((l) => l.status === 401)).toBe(true);
    const all = lines.join("\n");
    expect(all).not.toContain("leak-me-not");
    expect(all).not.toContain(TOKEN);
  });

  test("the Grafana dashboard and the alert rules name only metrics a real scrape declares", async () => {
    const declared = new Set([...(await (await scrape()).text()).matchAll(/^# TYPE (\S+) (\w+)$/gm)].flatMap(([, name, type]) =>
      type === "histogram" ? [name!, `${name}_bucket`, `${name}_sum`, `${name}_count`] : [name!],
    ));
    const dashboard = JSON.parse(readFileSync("deploy/grafana/konstruct.json", "utf8")) as { panels: { targets: { expr: string }[] }[] };
    const rules = parse(readFileSync("deploy/prometheus/alerts.yml", "utf8")) as { groups: { rules: { alert: string; expr: string }[] }[] };
    const exprs = [...dashboard.panels.flatMap((p) => p.targets.map((x) => x.expr)), ...rules.groups.flatMap((g) => g.rules.map((r) => r.expr))];
    const named = new Set(exprs.flatMap((e) => [...e.matchAll(/\bkonstruct_[a-z_]+/g)].map((m) => m[0])));
    expect(named.size).toBeGreaterThan(12);
    expect([...named].filter((n) => !declared.has(n))).toEqual([]);
    const alerts = rules.groups.flatMap((g) => g.rules.map((r) => r.alert));
    for (const a of ["KonstructReplicaDown", "KonstructInboxBacklogGrowing", "KonstructProviderFailing", "KonstructBudgetAtCap"]) expect(alerts).toContain(a);
  });
});
