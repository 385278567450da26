/**
 * The Audit page in each reader's language, over HTTP: the same acme entries (an invitation, a
 * channel saved with a changed secret, a token created, a sign-in) read in German by acme's admin
 * who chose Deutsch — dates in the German form — and in English by the platform admin, ISO dates;
 * the exports keep the stored English text; an entry whose data lacks what the text needs (an
 * older one) and an agent's own entry show their stored summary in both languages. The kind column
 * and the kind filter name the kinds in the reader's language too.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { type Browser, type ConsoleFixture, consoleFixture } from "../../../test/support/admin.ts";
import { audit } from "../../agent/audit.ts";
import { channels } from "../../db/schema/index.ts";
import { channelToForm } from "../channels/save.ts";

const summaries = (page: string) => [...page.matchAll(/<summary>([^<]*)<\/summary>/g)].map((m) => m[1]!);
const kinds = (page: string) => [...page.matchAll(/<tr><td>[^<]*<\/td><td>([^<]*)<\/td>/g)].map((m) => m[1]!);
const kindOptions = (page: string) => [...(/<select[^>]*name="kind"[^>]*>([\s\S]*?)<\/select>/.exec(page)?.[1] ?? "").matchAll(/<option[^>]*>([^<]*)<\/option>/g)].map((m) => m[1]!);
const dates = (page: string) => [...page.matchAll(/<td>([^<]*UTC)<\/td>/g)].map((m) => m[1]!);

describe("audit summaries per reader", () => {
  let f: ConsoleFixture;
  let s: Awaited<ReturnType<ConsoleFixture["sessions"]>>;
  let german: Browser;
  beforeAll(async () => {
    f = await consoleFixture("embedded");
    s = await f.sessions();
    german = s.tenantAdmin;
    expect((await german.fetch("/admin/account/locale", { form: { locale: "de" } })).status).toBe(303);
    expect((await german.fetch("/admin/users/invite", { form: { email: "new.op@acme.test", role: "operator" } })).status).toBe(200);
    expect((await german.fetch("/admin/tokens", { form: { name: "ci pipeline" } })).status).toBe(200);
    const [tg] = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(channels).where(eq(channels.name, "acme-tg")));
    const form = { ...channelToForm(tg!), name: "acme-telegram", bot_token: "987654:NEW-bot-token", webhook_secret: "" };
    expect((await german.fetch(`/admin/channels/${tg!.id}?tenant=${f.acme}`, { form })).status).toBe(303);
    await f.app().db.withTenant(f.acme, async (tx) => {
      await audit(tx, { tenantId: f.acme, kind: "tool_call", summary: "kb_search: 3 passages", data: { tool: "kb_search" } });
      // Written before entries carried the object's name: only the stored text can say it.
      await audit(tx, { tenantId: f.acme, kind: "config" as never, summary: "agent Old saved: persona", actor: "x@acme.test", data: { object: "agent", id: "00000000-0000-0000-0000-000000000000", step: "saved", fields: ["persona"] } });
    });
  }, 120_000);
  afterAll(() => f?.cleanup());

  test("German for the admin who chose Deutsch, with German dates", async () => {
    const page = await (await german.fetch(`/admin/audit?tenant=${f.acme}`, { headers: { "accept-language": "en" } })).text();
    const said = summaries(page);
    expect(said).toContain("hat new.op@acme.test als Operator eingeladen");
    expect(said).toContain("API-Token „ci pipeline“ erstellt");
    expect(said).toContain("Kanal acme-telegram gespeichert: name; Geheimnisse geändert: bot_token");
    expect(said).toContain("hat sich angemeldet");
    expect(said).toContain("kb_search: 3 passages");
    expect(said).toContain("agent Old saved: persona");
    expect(dates(page).length).toBeGreaterThan(3);
    for (const d of dates(page)) expect(d).toMatch(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}:\d{2} UTC$/);
    // The kind column and the filter name the kinds in German too.
    expect(kinds(page)).toEqual(expect.arrayContaining(["Einladung", "API-Token", "Konfiguration", "Anmeldung", "Werkzeugaufruf"]));
    expect(kinds(page).join(" ")).not.toMatch(/invitation|sign_in|tool_call|config/);
    expect(kindOptions(page)).toEqual(expect.arrayContaining(["Nachricht eingegangen", "LLM-Aufruf", "Fehlgeschlagene Anmeldung", "Zwei-Faktor-Anmeldung"]));
  });

  test("English for the platform admin reading the same entries, ISO dates; exports keep the stored text", async () => {
    const page = await (await s.platformAdmin.fetch(`/admin/audit?tenant=${f.acme}`)).text();
    const said = summaries(page);
    expect(said).toContain("invited new.op@acme.test as operator");
    expect(said).toContain("API token &quot;ci pipeline&quot; created");
    expect(said).toContain("channel acme-telegram saved: name; secrets changed: bot_token");
    expect(said).toContain("signed in");
    expect(said).toContain("agent Old saved: persona");
    expect(said.join("\n")).not.toMatch(/eingeladen|gespeichert|angemeldet/);
    for (const d of dates(page)) expect(d).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
    expect(kinds(page)).toEqual(expect.arrayContaining(["invitation", "API token", "configuration", "sign-in", "tool call"]));
    expect(kindOptions(page)).toEqual(expect.arrayContaining(["message in", "LLM call", "failed sign-in", "two-factor sign-in"]));
    const json = (await (await german.fetch(`/admin/audit.json?tenant=${f.acme}&kind=invitation`)).json()) as { summary: string }[];
    expect(json.map((e) => e.summary)).toEqual(["invited new.op@acme.test as operator"]);
  });

  test("the other tenant's admin sees none of it, in either language", async () => {
    expect((await s.otherAdmin.fetch(`/admin/audit?tenant=${f.acme}`)).status).toBe(403);
    const own = summaries(await (await s.otherAdmin.fetch(`/admin/audit?tenant=${f.globex}`)).text());
    expect(own.join("\n")).not.toContain("new.op@acme.test");
    expect(own).toContain("signed in");
  });
});
