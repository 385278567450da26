/**
 * The business scope in the Agent Designer, in-process on both databases: an agent on WhatsApp
 * without a scope shows the warning (on its page and in the WhatsApp channel wizard); a scope the config file would refuse is refused next to its
 * field (nothing saved); a valid one is stored, shown again, reaches the prompt, and clears the
 * warning; emptied, the agent is unscoped again; another tenant's admin cannot change it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { type Browser, type ConsoleFixture, consoleFixture } from "../../../test/support/admin.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { systemPrompt } from "../../agent/prompt.ts";
import { agents, channels } from "../../db/schema/index.ts";

const BASE = { name: "Ada", slug: "ada", models: "mock/gpt-test", daily_budget_usd: "0", monthly_budget_usd: "0", context_tokens: "8000", max_tool_iterations: "4" };
const SCOPE = {
  scope_business: "Front desk of Bright Smile Dental: appointments, treatments and prices.",
  scope_topics: "booking or moving appointments\n\ntreatments and prices\n",
  scope_off_topic: "Compare toothpaste prices at supermarkets",
  scope_decline: "en: Sorry, only dental questions here.\nde: Entschuldigung, nur Zahnfragen.",
};
const WARNING = "has no business scope";

describe.each(DB_KINDS)("the business scope in the Agent Designer on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let s: Record<string, Browser>;
  let adaId: string;

  beforeAll(async () => {
    f = await consoleFixture(kind);
    s = await f.sessions();
    adaId = (await f.app().db.withTenant(f.acme, (tx) => tx.select({ id: agents.id }).from(agents)))[0]!.id;
    // Ada answers on WhatsApp (a row is enough: the page reads the agent's channels).
    await f.app().db.withTenant(f.acme, (tx) => tx.insert(channels).values({ tenantId: f.acme, agentId: adaId, kind: "whatsapp", name: "wa", mode: "webhook", secrets: new Uint8Array([0]) }));
  });
  afterAll(() => f.cleanup());

  const page = async () => (await s.tenantAdmin!.fetch(`/admin/agents/${adaId}?tenant=${f.acme}`)).text();
  const wizard = async () => (await s.tenantAdmin!.fetch(`/admin/channels/new?tenant=${f.acme}&kind=whatsapp&agent=${adaId}`)).text();
  const save = (who: string, scope: Record<string, string>) => s[who]!.fetch(`/admin/agents/${adaId}?tenant=${f.acme}`, { form: { ...BASE, ...scope } });
  const stored = async () => (await f.app().db.withTenant(f.acme, (tx) => tx.select().from(agents).where(eq(agents.id, adaId))))[0]!;
  const errorOf = (html: string, field: string) => html.slice(html.indexOf(`id="f-${field}-error"`)).slice(0, 300);

  test("an agent on WhatsApp without a scope shows the warning, and so does connecting it to WhatsApp", async () => {
    expect(await page()).toContain(WARNING);
    expect(await wizard()).toContain(WARNING);
  });

  test("refused next to the field; nothing saved", async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ ...SCOPE, scope_topics: "" }, "scope_topics", "name at least one topic"],
      [{ ...SCOPE, scope_business: "Dentist" }, "scope_business", "at least 10 characters"],
      [{ ...SCOPE, scope_business: "" }, "scope_business", "at least 10 characters"],
      [{ ...SCOPE, scope_decline: "Sorry, only dental questions." }, "scope_decline", "line 1: write &#x27;language: sentence&#x27;"],
      [{ ...SCOPE, scope_decline: "english: Sorry." }, "scope_decline", "is a language code"],
      [{ ...SCOPE, scope_topics: "x".repeat(201) }, "scope_topics", "line 1:"],
      [{ ...SCOPE, scope_topics: "t\n".repeat(31) }, "scope_topics", "at most 30 topics"],
    ];
    for (const [form, field, says] of cases) {
      const r = await save("tenantAdmin", form);
      expect(r.status).toBe(400);
      const html = await r.text();
      expect(html).toContain(`id="f-${field}-error"`);
      expect(errorOf(html, field)).toContain(says);
      expect((await stored()).scope).toBeNull();
    }
  });

  test("a valid scope is stored, shown again, reaches the prompt and clears the warning; emptied it is gone", async () => {
    expect((await save("tenantAdmin", SCOPE)).status).toBe(303);
    const a = await stored();
    expect(a.scope).toEqual({
      business: "Front desk of Bright Smile Dental: appointments, treatments and prices.",
      topics: ["booking or moving appointments", "treatments and prices"],
      offTopicExamples: ["Compare toothpaste prices at supermarkets"],
      decline: { en: "Sorry, only dental questions here.", de: "Entschuldigung, nur Zahnfragen." },
    });
    expect(systemPrompt(a)).toContain("You only help with: booking or moving appointments; treatments and prices.");
    const html = await page();
    expect(html).not.toContain(WARNING);
    expect(await wizard()).not.toContain(WARNING);
    expect(html).toContain("en: Sorry, only dental questions here.");
    expect((await save("tenantAdmin", { scope_business: "", scope_topics: "", scope_off_topic: "", scope_decline: "" })).status).toBe(303);
    expect((await stored()).scope).toBeNull();
    expect(await page()).toContain(WARNING);
  });

  test("another tenant's admin cannot change it", async () => {
    expect((await save("tenantAdmin", SCOPE)).status).toBe(303);
    const r = await save("otherAdmin", { ...SCOPE, scope_business: "Something else entirely, by another tenant" });
    expect(r.status).not.toBe(303);
    expect((await stored()).scope!.business).toBe(SCOPE.scope_business);
  });
});
