/**
 * MCP servers in the console on both databases, two tenants, against the orders fixture over
 * streamable HTTP: the URL goes through the SSRF guard; headers are sealed and never rendered;
 * Test lists the tools; read-only flags are saved per tool; acme's AI employees get the tools at
 * once (no restart) and a read-only-tier skill may call the read-only tool but not the other;
 * globex neither sees nor tests nor deletes acme's server, and its config server is read-only.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Browser, type ConsoleFixture, consoleConfig, consoleFixture, type Who } from "../../../test/support/admin.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { startOrdersHttp } from "../../../test/fixtures/mcp-orders.ts";
import { agents, auditLog, mcpServers } from "../../db/schema/index.ts";
import { writeSkillText } from "../../skills/tenant.ts";
import { ORDER_SKILL } from "../../../test/fixtures/order-skill.ts";

const SECRET = "Bearer sekrit-orders-123";

describe.each(DB_KINDS)("console MCP servers on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let s: Record<Who, Browser>;
  let orders: ReturnType<typeof startOrdersHttp>;
  beforeAll(async () => {
    orders = startOrdersHttp();
    const tenants = consoleConfig().tenants.map((t) => (t.slug === "globex" ? { ...t, mcp_servers: [{ name: "crm", transport: "stdio", command: "bun", args: ["test/fixtures/mcp-orders.ts"] }] } : t));
    f = await consoleFixture(kind, { tenants });
    s = await f.sessions();
  }, 60_000);
  afterAll(async () => {
    orders.stop();
    await f.cleanup();
  });
  const page = async (b: Browser, tenant: string) => (await b.fetch(`/admin/mcp?tenant=${tenant}`)).text();
  const ctx = async (tenantId: string, activeSkills: string[] = []) => {
    const [a] = await f.app().db.withTenant(tenantId, (tx) => tx.select().from(agents));
    return { tenantId, agentId: a!.id, conversationId: crypto.randomUUID(), turn: { channelId: "", chatKey: "", eventId: "", requestedBy: "u1", enabledSkills: null, activeSkills, nextSeq: 0 } };
  };
  const toolNames = async (tenantId: string) => (await f.app().gateway.tools!.specs(await ctx(tenantId))).map((t) => t.name);

  test("a private or metadata address is refused before saving; a good one is saved with its headers sealed", async () => {
    const bad = await s.tenantAdmin.fetch(`/admin/mcp?tenant=${f.acme}`, { form: { name: "meta", url: "http://169.254.169.254/mcp", headers: "", timeout_s: "5" } });
    expect([bad.status, (await bad.text()).includes("not allowed")]).toEqual([400, true]);
    expect((await s.tenantAdmin.fetch(`/admin/mcp?tenant=${f.acme}`, { form: { name: "orders", url: orders.url, headers: `Authorization: ${SECRET}`, timeout_s: "5" }, csrf: false })).status).toBe(403);
    expect((await s.operator.fetch(`/admin/mcp?tenant=${f.acme}`)).status).toBe(403);
    const ok = await s.tenantAdmin.fetch(`/admin/mcp?tenant=${f.acme}`, { form: { name: "orders", url: orders.url, headers: `Authorization: ${SECRET}`, timeout_s: "5" } });
    expect(ok.status).toBe(303);
    const html = await page(s.tenantAdmin, f.acme);
    expect(html).toContain("headers: Authorization (hidden)");
    expect(html).not.toContain("sekrit");
    const [row] = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(mcpServers));
    expect(Buffer.from(row!.headers).toString("latin1")).not.toContain("sekrit");
    const audit = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(auditLog));
    expect(JSON.stringify(audit)).not.toContain("sekrit");
    expect(audit.map((a) => a.summary)).toContain(`MCP server "orders" saved`);
  });

  test("Test lists the tools; read-only flags are saved per tool", async () => {
    const res = await s.tenantAdmin.fetch(`/admin/mcp/orders/test?tenant=${f.acme}`, { method: "POST" });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain("orders: connected, 2 tool(s).");
    expect(html).toContain("<code>lookup_order</code>");
    expect(html).toContain("<code>cancel_order</code>");
    const ro = await s.tenantAdmin.fetch(`/admin/mcp/orders/read-only?tenant=${f.acme}`, { form: { tool: "lookup_order" } });
    expect(ro.status).toBe(303);
    const [row] = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(mcpServers));
    expect(row!.readOnlyTools).toEqual(["lookup_order"]);
    expect(await (await s.tenantAdmin.fetch(`/admin/mcp/orders/test?tenant=${f.acme}`, { method: "POST" })).text()).toMatch(/value="lookup_order" checked/);
  });

  test("acme's AI employees get the tools live; an L1 skill may read but not cancel; globex gets nothing", async () => {
    expect(await toolNames(f.acme)).toEqual(expect.arrayContaining(["mcp__orders__lookup_order", "mcp__orders__cancel_order"]));
    expect((await toolNames(f.globex)).filter((n) => n.startsWith("mcp__orders"))).toEqual([]);
    expect(writeSkillText(f.app().config.data_dir, "acme", "order-lookup", ORDER_SKILL)).toEqual([]);
    await f.app().gateway.skills!.load();
    const c = await ctx(f.acme, ["order-lookup"]);
    const read = await f.app().gateway.tools!.run({ id: "c1", name: "mcp__orders__lookup_order", arguments: { order_id: "42" } }, c);
    expect(read).toContain("Order 42 (http): shipped");
    const cancel = await f.app().gateway.tools!.run({ id: "c2", name: "mcp__orders__cancel_order", arguments: { order_id: "42" } }, c);
    expect(String(cancel)).toStartWith("refused:");
  });

  test("globex neither sees, tests nor deletes acme's server; its config server is read-only", async () => {
    const theirs = await page(s.otherAdmin, f.globex);
    expect(theirs).not.toContain('id="mcp-orders"');
    expect(theirs).not.toContain(orders.url);
    expect(theirs).toMatch(/crm<\/span><br\/><small class="muted">from config/);
    expect(theirs).not.toContain(`/admin/mcp/crm/delete`);
    expect((await s.otherAdmin.fetch(`/admin/mcp?tenant=${f.acme}`)).status).toBe(403);
    expect((await s.otherAdmin.fetch(`/admin/mcp/orders/test?tenant=${f.globex}`, { method: "POST" })).status).toBe(404);
    expect((await s.otherAdmin.fetch(`/admin/mcp/orders/delete?tenant=${f.globex}`, { method: "POST" })).status).toBe(404);
    expect((await s.otherAdmin.fetch(`/admin/mcp/crm/delete?tenant=${f.globex}`, { method: "POST" })).status).toBe(404);
    const shadow = await s.otherAdmin.fetch(`/admin/mcp?tenant=${f.globex}`, { form: { name: "crm", url: orders.url, headers: "", timeout_s: "5" } });
    expect([shadow.status, (await shadow.text()).includes("that server comes from config")]).toEqual([400, true]);
  });

  test("Delete removes the server and its tools from the next turn", async () => {
    const res = await s.tenantAdmin.fetch(`/admin/mcp/orders/delete?tenant=${f.acme}`, { method: "POST" });
    expect(res.status).toBe(303);
    expect((await toolNames(f.acme)).filter((n) => n.startsWith("mcp__orders"))).toEqual([]);
  });
});
