/**
 * The Teams page in-process on both databases: a tenant admin hires two specialists from templates,
 * creates a team with a coordinator, its specialists (slug | description) and a channel it answers
 * on; mistakes come back next to their field with nothing saved; the list and the edit form show
 * it; the web chat with the coordinator reaches the IT specialist by the pre-route (its persona in
 * the specialist's system prompt, its answer in the coordinator's last call); another tenant's admin
 * sees none of it; delete removes it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { type Browser, type ConsoleFixture, consoleFixture, SEEDED_SECRETS } from "../../../test/support/admin.ts";
import { eventually } from "../../../test/support/app.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { type LlmMock, startLlmMock } from "../../../test/support/llm.ts";
import { EMBEDDINGS_CONFIG } from "../../../test/support/models.ts";
import { agents, auditLog, channels, teams } from "../../db/schema/index.ts";
import { bundledTemplates } from "../../templates/catalog.ts";
import { templateToForm } from "../agents/template-form.ts";

describe.each(DB_KINDS)("the Teams page on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let s: Record<string, Browser>;
  let llm: LlmMock;
  let desk = "";
  let teamId = "";
  const q = () => `?tenant=${f.acme}`;
  const form = (extra: Record<string, string> = {}) => ({
    name: "Front desk",
    slug: "front-desk",
    coordinator: desk,
    max_fanout: "2",
    members: "iris | IT helpdesk: laptops, passwords, VPN, Wi-Fi and e-mail problems.\nhana | HR: holidays, leave, benefits, payslips and workplace policies.",
    channels: "acme-tg",
    ...extra,
  });

  beforeAll(async () => {
    llm = await startLlmMock({ apiKeys: [SEEDED_SECRETS[5]!] });
    llm.replyAll("on it");
    f = await consoleFixture(kind, { ...EMBEDDINGS_CONFIG, llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, api_key: SEEDED_SECRETS[5] }] } });
    s = await f.sessions();
    for (const id of ["it-helpdesk", "hr-policy"]) expect((await s.tenantAdmin!.fetch(`/admin/agents${q()}`, { form: templateToForm(bundledTemplates().find((t) => t.id === id)!, { models: ["mock/gpt-test"] }) })).status).toBe(303);
    const deskForm = { name: "Desk", slug: "desk", models: "mock/gpt-test", daily_budget_usd: "0", monthly_budget_usd: "0", context_tokens: "8000", max_tool_iterations: "4" };
    expect((await s.tenantAdmin!.fetch(`/admin/agents${q()}`, { form: deskForm })).status).toBe(303);
    desk = (await f.app().db.withTenant(f.acme, (tx) => tx.select().from(agents).where(eq(agents.slug, "desk"))))[0]!.id;
  }, 60_000);
  afterAll(async () => {
    await f.cleanup();
    await llm.stop();
  });

  test("mistakes are refused next to their field; a valid team is saved and its channel points at the coordinator", async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ members: "" }, "members", "add at least one specialist"],
      [{ members: "nobody | x" }, "members", "line 1: no AI employee with slug &#x27;nobody&#x27;"],
      [{ members: "iris" }, "members", "line 1: write &#x27;agent-slug | what they handle&#x27;"],
      [{ members: "desk | itself" }, "members", "the coordinator cannot also be one of its specialists"],
      [{ members: "iris | a\niris | b" }, "members", "a specialist is listed twice"],
      [{ max_fanout: "11" }, "max_fanout", "at most 10"],
      [{ channels: "nope" }, "channels", "no channel named &#x27;nope&#x27;"],
      [{ slug: "Bad Slug" }, "slug", "1-63 characters"],
    ];
    for (const [bad, field, says] of cases) {
      const r = await s.tenantAdmin!.fetch(`/admin/teams${q()}`, { form: form(bad) });
      expect(r.status).toBe(400);
      const html = await r.text();
      expect(html.slice(html.indexOf(`id="f-${field}-error"`)).slice(0, 300)).toContain(says);
    }
    expect(await f.app().db.withTenant(f.acme, (tx) => tx.select().from(teams))).toEqual([]);
    const ok = await s.tenantAdmin!.fetch(`/admin/teams${q()}`, { form: form() });
    expect(ok.status).toBe(303);
    teamId = ok.headers.get("location")!.split("/admin/teams/")[1]!.split("?")[0]!;
    const [tg] = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(channels).where(eq(channels.name, "acme-tg")));
    expect(tg!.agentId).toBe(desk);
    const list = await (await s.tenantAdmin!.fetch(`/admin/teams${q()}`)).text();
    expect(list).toContain("Front desk");
    expect(list).toContain("Iris, Hana");
    const edit = await (await s.tenantAdmin!.fetch(`/admin/teams/${teamId}${q()}`)).text();
    expect(edit).toContain("iris | IT helpdesk: laptops");
    expect(edit).toContain(">acme-tg</textarea>");
    // A second team cannot make a specialist a coordinator (one level deep).
    const iris = (await f.app().db.withTenant(f.acme, (tx) => tx.select().from(agents).where(eq(agents.slug, "iris"))))[0]!.id;
    const deeper = await s.tenantAdmin!.fetch(`/admin/teams${q()}`, { form: form({ slug: "it-crew", coordinator: iris, members: "ada | anything", channels: "" }) });
    expect(deeper.status).toBe(400);
    expect(await deeper.text()).toContain("a specialist of another team cannot coordinate");
  });

  test("the coordinator answers in the web chat; a clear IT question goes to the IT specialist without a routing call", async () => {
    const msg = "I forgot my password and I'm locked out of my laptop";
    const before = llm.journal().length;
    expect((await s.tenantAdmin!.fetch(`/admin/chat/${desk}/messages${q()}`, { form: { text: msg } })).status).toBe(200);
    await eventually(async () => (await (await s.tenantAdmin!.fetch(`/admin/chat/${desk}/log${q()}`, { headers: { "hx-request": "true" } })).text()).includes("on it"), 20_000, "the reply");
    const calls = await eventually(() => {
      const c = llm.journal().slice(before);
      return c.length >= 2 ? c : null;
    });
    const system = (i: number) => String(calls[i]!.messages[0]!.content);
    expect(system(0)).toContain("You are Iris, IT helpdesk technician");
    expect(system(1)).toContain("You are Desk");
    expect(calls[1]!.messages.some((m) => m.role === "tool" && String(m.content).startsWith("Iris (iris) answered:\non it"))).toBe(true);
    const trail = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(auditLog).where(eq(auditLog.kind, "team.delegate")));
    expect(trail.map((a) => a.summary).sort()).toEqual(["desk → iris", "iris → desk"]);
    expect(trail.find((a) => a.summary === "desk → iris")!.data).toMatchObject({ routed: "pre-route", text: msg });
    // On the Audit page (filtered by kind) and in the conversation's transcript.
    const auditPage = await (await s.tenantAdmin!.fetch(`/admin/audit${q()}&kind=team.delegate`)).text();
    expect(auditPage).toContain("desk → iris");
    expect(auditPage).toContain("iris → desk");
    const transcript = await (await s.tenantAdmin!.fetch(`/admin/conversations/${trail[0]!.conversationId}${q()}`)).text();
    expect(transcript).toContain("desk → iris");
  }, 60_000);

  test("another tenant's admin sees none of it; delete removes the team", async () => {
    const theirs = await (await s.otherAdmin!.fetch("/admin/teams")).text();
    expect(theirs).not.toContain("Front desk");
    expect((await s.otherAdmin!.fetch(`/admin/teams/${teamId}`)).status).toBe(404);
    expect((await s.operator!.fetch(`/admin/teams${q()}`)).status).toBe(403);
    expect((await s.tenantAdmin!.fetch(`/admin/teams/${teamId}/delete${q()}`, { method: "POST" })).status).toBe(303);
    expect(await f.app().db.withTenant(f.acme, (tx) => tx.select().from(teams))).toEqual([]);
  });
});
