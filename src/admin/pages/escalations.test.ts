/**
 * The dashboard's Escalations section at HTTP level, on both databases, two tenants: handoffs with
 * known times give acme's admin the rate, medians and p90s per agent and per reason for the chosen
 * period; globex's handoffs (another rule, other times) never show on acme's page, and the other way.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { agents, channels, conversations, handoffs, tenants } from "../../db/schema/index.ts";
import { type Browser, tenantAdmins } from "../../../test/support/admin.ts";
import { startTestApp, type TestApp } from "../../../test/support/app.ts";
import { DB_KINDS } from "../../../test/support/db.ts";

describe.each(DB_KINDS)("dashboard escalations on %s Postgres", (kind) => {
  let t: TestApp;
  const tenant: Record<string, string> = {};
  const browsers: Record<string, Browser> = {};

  beforeAll(async () => {
    t = await startTestApp(kind, {
      llm: { providers: [{ id: "mock", kind: "openai", base_url: "http://127.0.0.1:9/v1", timeout_ms: 1000 }] },
      tenants: [
        { slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"] }] },
        { slug: "globex", name: "Globex", agents: [{ slug: "gus", name: "Gus", models: ["mock/m"] }] },
      ],
    });
    const admins = await tenantAdmins(() => t.app, ["acme", "globex"]);
    for (const slug of ["acme", "globex"] as const) browsers[slug] = await admins[slug]!.browser();
    const now = Date.now();
    // acme: 4 conversations, 2 handoffs by rule "angry" (first reply after 60 s and 120 s, closed after
    // 600 s and 1200 s) and 1 by "human" 40 days ago (only in the 90-day period).
    // globex: 1 conversation, 1 handoff by "secret_rule" answered after 5 h.
    const seed = async (slug: string, n: number, rows: { rule: string; ago: number; reply?: number; close?: number }[]) => {
      const [tn] = await t.app.db.platform((tx) => tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug)));
      const tenantId = tn!.id;
      tenant[slug] = tenantId;
      await t.app.db.withTenant(tenantId, async (tx) => {
        const [a] = await tx.select({ id: agents.id }).from(agents).where(eq(agents.tenantId, tenantId));
        const [c] = await tx.insert(channels).values({ tenantId, agentId: a!.id, kind: "webchat", name: "w", mode: "webhook", secrets: new Uint8Array(0) }).returning({ id: channels.id });
        const convs: string[] = [];
        for (let i = 0; i < n; i++) {
          const [cv] = await tx.insert(conversations).values({ tenantId, agentId: a!.id, channelId: c!.id, chatKey: `c${i}`, lastMessageAt: new Date(now - i * 60_000), closedAt: new Date(now) }).returning({ id: conversations.id });
          convs.push(cv!.id);
        }
        for (const [i, r] of rows.entries()) {
          const created = now - r.ago * 1000;
          await tx.insert(handoffs).values({
            tenantId, agentId: a!.id, conversationId: convs[i % n]!, reason: "r", rule: r.rule, source: "rule", status: r.close ? "closed" : "taken",
            createdAt: new Date(created), firstReplyAt: r.reply ? new Date(created + r.reply * 1000) : null, closedAt: r.close ? new Date(created + r.close * 1000) : null,
          });
        }
      });
    };
    await seed("acme", 4, [
      { rule: "angry", ago: 3600, reply: 60, close: 600 },
      { rule: "angry", ago: 7200, reply: 120, close: 1200 },
      { rule: "human", ago: 40 * 86_400, reply: 30, close: 30 },
    ]);
    await seed("globex", 1, [{ rule: "secret_rule", ago: 3600, reply: 5 * 3600 }]);
  }, 60_000);
  afterAll(() => t.cleanup());

  const dashboard = async (slug: string, days?: number) => {
    const res = await browsers[slug]!.fetch(`/admin?tenant=${tenant[slug]}${days ? `&days=${days}` : ""}`, { headers: { accept: "text/html" } });
    expect(res.status).toBe(200);
    const html = await res.text();
    return html.slice(html.indexOf('<section id="escalations">'));
  };

  test("acme sees its own rate and times, per agent and per reason; never globex's", async () => {
    const html = await dashboard("acme");
    expect(html).toContain("Last 30 days");
    // 2 handoffs / 4 conversations; median 90 s, p90 114 s to first reply; 900 s and 1140 s to resolution.
    expect(html).toMatch(/<td>ada<\/td><td>2<\/td><td>4<\/td><td>50\.0%<\/td><td>1m 30s<\/td><td>1m 54s<\/td><td>15m 0s<\/td><td>19m 0s<\/td>/);
    expect(html).toMatch(/<td>angry<\/td><td>2<\/td>/);
    expect(html).not.toContain("human</td>");
    expect(html).not.toContain("secret_rule");
    expect(html).not.toContain("gus");
    expect(html).not.toContain("5h 0m");

    const quarter = await dashboard("acme", 90);
    expect(quarter).toContain("Last 90 days");
    expect(quarter).toMatch(/<td>human<\/td><td>1<\/td><td>30s<\/td>/);
    expect(quarter).toMatch(/<td>ada<\/td><td>3<\/td><td>4<\/td><td>75\.0%<\/td>/);
  });

  test("globex sees only its own", async () => {
    const html = await dashboard("globex", 7);
    expect(html).toMatch(/<td>gus<\/td><td>1<\/td><td>1<\/td><td>100\.0%<\/td><td>5h 0m<\/td>/);
    expect(html).toContain("secret_rule");
    expect(html).toContain("<td>—</td>"); // not resolved yet
    // As cells: the page's links carry the tenant's UUID, whose hex digits can spell "ada".
    expect(html).not.toContain("<td>angry</td>");
    expect(html).not.toContain("<td>ada</td>");
  });
});
