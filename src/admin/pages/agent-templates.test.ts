/**
 * "Hire from template" in the console, in-process on both databases: the Agents page offers every
 * role template (and names a malformed one in the data dir); each template opens the Designer
 * pre-filled; the form as the page rendered it is posted unchanged and the hired AI employee answers
 * in the web chat — the aimock journal shows the template's persona and instructions in its system
 * prompt. Another tenant's admin cannot open the form for acme.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { type Browser, type ConsoleFixture, consoleFixture, SEEDED_SECRETS } from "../../../test/support/admin.ts";
import { eventually } from "../../../test/support/app.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { formValues as valuesOf } from "../../../test/support/form-values.ts";
import { type LlmMock, startLlmMock } from "../../../test/support/llm.ts";
import { agents } from "../../db/schema/index.ts";
import { bundledTemplates } from "../../templates/catalog.ts";

/** The new-agent form's fields as a browser would post them. */
const formValues = (html: string) => valuesOf(html, "/admin/agents?");

describe.each(DB_KINDS)("hire from template on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let s: Record<string, Browser>;
  let llm: LlmMock;
  const q = () => `?tenant=${f.acme}`;

  beforeAll(async () => {
    llm = await startLlmMock({ apiKeys: [SEEDED_SECRETS[5]!] });
    llm.replyAll("on it");
    f = await consoleFixture(kind, { llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, api_key: SEEDED_SECRETS[5] }] } });
    mkdirSync(join(f.t.dataDir, "templates"), { recursive: true });
    writeFileSync(join(f.t.dataDir, "templates", "broken.md"), "---\nid: broken\ntitle: Broken\n---\n");
    writeFileSync(join(f.t.dataDir, "templates", "office-manager.md"), "---\nid: office-manager\ntitle: Office manager\ndescription: Runs the office.\nname: Olga\npersona: Organised and friendly.\n---\nKeep the office running.\n");
    s = await f.sessions();
  });
  afterAll(async () => {
    await f.cleanup();
    await llm.stop();
  });

  test("the Agents page offers each template and names the malformed one", async () => {
    const html = await (await s.tenantAdmin!.fetch(`/admin/agents${q()}`)).text();
    expect(html).toContain("Hire from template");
    for (const t of bundledTemplates()) expect(html).toContain(`/admin/agents/new?tenant=${f.acme}&template=${t.id}`);
    expect(html).toContain("broken.md: description: is required");
    expect(html).not.toContain(f.t.dataDir);
    // A partner's own template from the data dir is offered (marked custom) and pre-fills the form.
    expect(html).toContain(`template=office-manager" aria-label="Hire Office manager">Hire</a> (custom)`);
    const custom = formValues(await (await s.tenantAdmin!.fetch(`/admin/agents/new${q()}&template=office-manager`)).text());
    expect(custom).toMatchObject({ name: "Olga", slug: "olga", persona: "Organised and friendly.", instructions: "Keep the office running." });
    expect((await s.tenantAdmin!.fetch(`/admin/agents/new${q()}&template=nope`)).status).toBe(404);
    // Globex's admin asking for acme's form gets globex's own (the principal's tenant wins), never acme's agents' models.
    const other = await (await s.otherAdmin!.fetch(`/admin/agents/new?tenant=${f.acme}&template=it-helpdesk`)).text();
    expect(other).not.toContain("mock/gpt-test");
  });

  test.each(bundledTemplates().map((t) => t.id))("%s: pre-filled form → saved → answers with its persona", async (id) => {
    const t = bundledTemplates().find((x) => x.id === id)!;
    const page = await s.tenantAdmin!.fetch(`/admin/agents/new${q()}&template=${id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`From the template “${t.title}”`);
    const fields = formValues(html);
    expect(fields).toMatchObject({ name: t.name, persona: t.persona, models: "mock/gpt-test", skills: t.skills.join("\n") });
    const saved = await s.tenantAdmin!.fetch(`/admin/agents${q()}`, { form: fields });
    expect(saved.status).toBe(303);
    const [row] = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(agents).where(eq(agents.slug, fields.slug!)));
    expect(row).toMatchObject({ name: t.name, role: t.role, persona: t.persona, enabledSkills: t.skills, contextTokens: t.model_hints.context_tokens });
    expect(row!.escalation?.rules).toEqual(t.escalation?.rules ?? []);
    expect(!!row!.heartbeat).toBe(!!t.heartbeat);

    const before = llm.journal().length;
    expect((await s.tenantAdmin!.fetch(`/admin/chat/${row!.id}/messages${q()}`, { form: { text: `hello ${t.name}` } })).status).toBe(200);
    await eventually(async () => (await (await s.tenantAdmin!.fetch(`/admin/chat/${row!.id}/log${q()}`, { headers: { "hx-request": "true" } })).text()).includes("on it"), 15_000, "the reply");
    const call = llm.journal().slice(before).find((r) => r.lastUser === `hello ${t.name}`)!;
    const system = String(call.messages.find((m) => m.role === "system")!.content);
    expect(system).toContain(`You are ${t.name}, ${t.role}`);
    expect(system).toContain(`Persona: ${t.persona}`);
    expect(system).toContain(t.instructions.split("\n").at(-1)!);
  });
});
