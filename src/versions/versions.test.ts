/**
 * Versioned agent configuration over HTTP, on both databases: config at start, the Agent Designer and
 * the admin API each write versions (none when nothing changed); two saves from the same loaded version —
 * one wins, the other is told; the History page shows who/when/source and a diff; rollback (CSRF-checked)
 * is a new version; another tenant's admin can neither read the history nor roll back.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { type Browser, type ConsoleFixture, consoleFixture } from "../../test/support/admin.ts";
import { DB_KINDS } from "../../test/support/db.ts";
import { agents, configVersions } from "../db/schema/index.ts";
import { STALE_MESSAGE } from "./agent.ts";

const BASE = { name: "Ada", slug: "ada", models: "mock/gpt-test", daily_budget_usd: "0", monthly_budget_usd: "0", context_tokens: "8000", max_tool_iterations: "4" };
const escape = (s: string) => s.replaceAll("'", "&#x27;");

describe.each(DB_KINDS)("agent versions on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let s: Record<string, Browser>;
  let adaId: string;

  beforeAll(async () => {
    f = await consoleFixture(kind);
    s = await f.sessions();
    adaId = (await f.app().db.withTenant(f.acme, (tx) => tx.select({ id: agents.id }).from(agents).where(eq(agents.slug, "ada"))))[0]!.id;
  });
  afterAll(() => f.cleanup());

  const versions = (tenant = f.acme, id = adaId) => f.app().db.withTenant(tenant, (tx) => tx.select().from(configVersions).where(and(eq(configVersions.kind, "agent"), eq(configVersions.objectId, id))).orderBy(configVersions.version));
  const stored = async () => (await f.app().db.withTenant(f.acme, (tx) => tx.select().from(agents).where(eq(agents.id, adaId))))[0]!;
  const loadedVersion = async () => /name="version" value="(\d+)"/.exec(await (await s.tenantAdmin!.fetch(`/admin/agents/${adaId}?tenant=${f.acme}`)).text())![1]!;
  const save = (version: string, form: Record<string, string>) => s.tenantAdmin!.fetch(`/admin/agents/${adaId}?tenant=${f.acme}`, { form: { ...BASE, ...form, version } });
  const history = (who = "tenantAdmin", tenant = f.acme) => s[who]!.fetch(`/admin/agents/${adaId}/history?tenant=${tenant}`);

  test("config at start is version 1 (author and source config); the form carries it", async () => {
    expect((await versions()).map((v) => [v.version, v.author, v.source])).toEqual([[1, "config", "config"]]);
    expect(await loadedVersion()).toBe("1");
  });

  test("a Designer save is a new version by its user; saving it unchanged writes none", async () => {
    expect((await save("1", { instructions: "Greet.\nAnswer briefly.\nSign as Ada." })).status).toBe(303);
    expect((await save("2", { instructions: "Greet.\nAnswer briefly.\nSign as Ada." })).status).toBe(303);
    const v = await versions();
    expect(v.map((r) => [r.version, r.author, r.source])).toEqual([[1, "config", "config"], [2, "admin@acme.test", "console"]]);
    expect(v[1]!.config.instructions).toBe("Greet.\nAnswer briefly.\nSign as Ada.");
    expect(await loadedVersion()).toBe("2");
  });

  test("two saves from the same loaded version, at once: one wins, the other is told and changes nothing", async () => {
    const from = await loadedVersion();
    const [a, b] = await Promise.all([
      save(from, { instructions: "Greet.\nAnswer briefly.\nSign as Ada.", role: "front desk" }),
      save(from, { instructions: "Greet.\nAnswer briefly.\nSign as Ada.", role: "night shift" }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([303, 400]);
    const loser = a.status === 400 ? a : b;
    expect(await loser.text()).toContain(escape(STALE_MESSAGE));
    const winner = a.status === 303 ? "front desk" : "night shift";
    expect((await stored()).role).toBe(winner);
    expect((await versions()).length).toBe(3);
    // A garbled version matches none: refused as stale too.
    expect((await save("abc", { role: "garbled" })).status).toBe(400);
    // The loser reloads and saves from the current version: accepted.
    expect((await save(await loadedVersion(), { instructions: "Greet.\nAnswer briefly.\nSign as Ada.", role: "days" })).status).toBe(303);
    expect((await versions()).length).toBe(4);
  });

  test("the History page lists who, when and source, with a field diff and a line diff", async () => {
    const res = await history();
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const n of [1, 2, 3, 4]) expect(html).toContain(`Version ${n}`);
    expect(html).toContain("Version 4 (current)");
    expect(html).toContain("admin@acme.test · console ·");
    expect(html).toContain("config · config ·");
    expect(html).toContain("+ Answer briefly.");
    expect(html).toContain("+ Sign as Ada.");
    expect(html).toMatch(/<th scope="row">role<\/th>\s*<td class="diff-del">(front desk|night shift)<\/td>\s*<td class="diff-add">days<\/td>/);
    expect(html.match(/Roll back to this version/g)?.length).toBe(3);
  });

  test("rollback needs the CSRF token; with it, version 1's configuration is back as a new version (source rollback)", async () => {
    expect((await s.tenantAdmin!.fetch(`/admin/agents/${adaId}/rollback?tenant=${f.acme}`, { form: { version: "1" }, csrf: false })).status).toBe(403);
    expect((await versions()).length).toBe(4);
    const res = await s.tenantAdmin!.fetch(`/admin/agents/${adaId}/rollback?tenant=${f.acme}`, { form: { version: "1" } });
    expect(res.status).toBe(303);
    const a = await stored();
    expect([a.instructions, a.role]).toEqual(["", ""]);
    const v = await versions();
    expect(v.map((r) => [r.version, r.author, r.source]).at(-1)).toEqual([5, "admin@acme.test", "rollback"]);
    expect(v[4]!.config).toEqual(v[0]!.config);
    expect((await s.tenantAdmin!.fetch(`/admin/agents/${adaId}/rollback?tenant=${f.acme}`, { form: { version: "99" } })).status).toBe(404);
  });

  test("another tenant's admin can neither read the history nor roll back", async () => {
    expect((await history("otherAdmin")).status).toBe(403);
    expect((await history("otherAdmin", f.globex)).status).toBe(404);
    expect((await s.otherAdmin!.fetch(`/admin/agents/${adaId}/rollback?tenant=${f.globex}`, { form: { version: "2" } })).status).toBe(404);
    expect((await s.otherAdmin!.fetch(`/admin/agents/${adaId}/rollback?tenant=${f.acme}`, { form: { version: "2" } })).status).toBe(403);
    expect((await s.operator!.fetch(`/admin/agents/${adaId}/rollback?tenant=${f.acme}`, { form: { version: "2" } })).status).toBe(403);
    expect((await versions()).length).toBe(5);
    // And RLS: globex's scope sees none of acme's versions.
    expect((await versions(f.globex)).length).toBe(0);
  });

  test("the admin API writes versions by the token's user (source api); an unchanged PATCH writes none", async () => {
    const api = (path: string, method: string, json: unknown) =>
      f.app().http.handle(new Request(`http://localhost/api/v1/tenants/${f.acme}${path}`, { method, headers: { authorization: `Bearer ${f.tokens.tenantAdmin}`, "content-type": "application/json" }, body: JSON.stringify(json) }));
    const made = (await (await api("/agents", "POST", { slug: "bea", name: "Bea", models: ["mock/gpt-test"] })).json()) as { id: string };
    expect((await api(`/agents/${made.id}`, "PATCH", { persona: "calm" })).status).toBe(200);
    expect((await api(`/agents/${made.id}`, "PATCH", { persona: "calm" })).status).toBe(200);
    const v = await versions(f.acme, made.id);
    expect(v.map((r) => [r.version, r.author, r.source, r.config.persona])).toEqual([[1, "admin@acme.test", "api", ""], [2, "admin@acme.test", "api", "calm"]]);
  });
});
