/**
 * The people's trail over HTTP on both databases, the client IP from a trusted proxy's
 * X-Forwarded-For: a failed and a successful sign-in are in the tenant's Audit page with the IP
 * and never the password (an unknown account's failure goes to the platform trail without the
 * e-mail typed); an invitation (the role granted) and a token creation name their actor; a secret
 * changed on a channel is "changed" and its value is nowhere in the CSV or JSON export; the other
 * tenant's admin sees none of it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { type Browser, type ConsoleFixture, consoleFixture, csrfOf, PASSWORD, type Who } from "../../../test/support/admin.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { audit } from "../../agent/audit.ts";
import { agents, channels, platformAudit } from "../../db/schema/index.ts";
import { agentToForm } from "../agents/save.ts";
import { channelToForm } from "../channels/save.ts";

type Entry = { at: string; kind: string; actor: string; summary: string; data: Record<string, unknown> };

describe.each(DB_KINDS)("the people's trail on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let s: Record<Who, Browser>;
  let base: string;
  const WRONG = "Wrong-Password-7781!";
  beforeAll(async () => {
    f = await consoleFixture(kind, { server: { host: "127.0.0.1", port: 0, trusted_proxies: ["127.0.0.1"] } }, { listen: true });
    base = `http://127.0.0.1:${f.app().server!.port}`;
    s = await f.sessions();
  }, 60_000);
  afterAll(() => f.cleanup());

  async function login(email: string, password: string, ip: string) {
    const headers = { "x-forwarded-for": ip };
    const page = await fetch(`${base}/login`, { headers });
    const cookie = page.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const csrf = csrfOf(await page.text());
    return fetch(`${base}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { ...headers, cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email, password, _csrf: csrf }),
    });
  }
  const trail = async (who: Who, query: string, tenant = f.acme): Promise<[number, Entry[]]> => {
    const res = await s[who].fetch(`/admin/audit.json?tenant=${tenant}&${query}`);
    return [res.status, res.status === 200 ? ((await res.json()) as Entry[]) : []];
  };

  test("a failed and a successful sign-in appear with the IP and without the password", async () => {
    expect((await login(f.emails.operator, WRONG, "198.51.100.7")).status).toBe(401);
    expect((await login("nobody@nowhere.test", WRONG, "198.51.100.8")).status).toBe(401);
    expect((await login(f.emails.operator, PASSWORD, "198.51.100.9")).status).toBe(303);
    const [status, failed] = await trail("tenantAdmin", "kind=sign_in.failed");
    expect(status).toBe(200);
    expect(failed.map((e) => [e.actor, e.data.ip, e.data.user_id])).toEqual([[f.emails.operator, "198.51.100.7", f.userIds.operator]]);
    const [, ok] = await trail("tenantAdmin", `kind=sign_in&actor=${encodeURIComponent(f.emails.operator)}`);
    expect(ok.map((e) => e.data.ip)).toContain("198.51.100.9");
    // Unknown account: the platform's trail, with the IP but not the e-mail typed (it may be a password).
    const platform = await f.app().db.platform((tx) => tx.select().from(platformAudit).where(eq(platformAudit.kind, "sign_in.failed")));
    expect(platform.map((r) => [r.actor, (r.data as Entry["data"]).ip, (r.data as Entry["data"]).account])).toEqual([["", "198.51.100.8", "unknown"]]);
    const everything = JSON.stringify(await f.app().db.driver.raw.query("select * from audit_log")) + JSON.stringify(platform);
    expect(everything).not.toContain(WRONG);
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain("nobody@nowhere.test");
  });

  test("an invitation (the role granted) and a token creation appear with their actor", async () => {
    const invite = await s.tenantAdmin.fetch("/admin/users/invite", { form: { email: "new.op@acme.test", role: "operator", tenant_id: f.acme } });
    expect(invite.status).toBe(200);
    const token = await s.tenantAdmin.fetch("/admin/tokens", { form: { name: "ci pipeline" } });
    expect(token.status).toBe(200);
    const secret = /(kpat_[A-Za-z0-9_-]+)/.exec(await token.text())?.[1] ?? "";
    const [, invitations] = await trail("tenantAdmin", "kind=invitation");
    expect(invitations.map((e) => [e.actor, e.data.step, e.data.email, e.data.role])).toEqual([[f.emails.tenantAdmin, "sent", "new.op@acme.test", "operator"]]);
    const [, tokens] = await trail("tenantAdmin", "kind=access_token");
    expect(tokens.map((e) => [e.actor, e.data.step, e.data.user_id, e.summary])).toEqual([[f.emails.tenantAdmin, "created", f.userIds.tenantAdmin, 'API token "ci pipeline" created']]);
    expect(secret).not.toBe("");
    expect(JSON.stringify(tokens)).not.toContain(secret);
    const [, byActor] = await trail("tenantAdmin", `actor=${encodeURIComponent(f.emails.tenantAdmin)}`);
    expect(byActor.every((e) => e.actor === f.emails.tenantAdmin)).toBe(true);
    expect(byActor.map((e) => e.kind)).toEqual(expect.arrayContaining(["invitation", "access_token"]));
  });

  test("a changed secret is recorded as changed, its value nowhere in the exports", async () => {
    const [tg] = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(channels).where(eq(channels.name, "acme-tg")));
    const NEW_TOKEN = "987654:NEW-telegram-bot-token-feed";
    const form = { ...channelToForm(tg!), name: "acme-telegram", bot_token: NEW_TOKEN, webhook_secret: "" };
    expect((await s.tenantAdmin.fetch(`/admin/channels/${tg!.id}?tenant=${f.acme}`, { form })).status).toBe(303);
    const [, config] = await trail("tenantAdmin", "kind=config");
    expect(config.map((e) => [e.actor, e.data.object, e.data.fields, e.data.secrets])).toEqual([[f.emails.tenantAdmin, "channel", ["name"], { bot_token: "changed" }]]);
    expect(config[0]!.summary).toBe("channel acme-telegram saved: name; secrets changed: bot_token");
    const csv = await (await s.tenantAdmin.fetch(`/admin/audit.csv?tenant=${f.acme}`)).text();
    const json = await (await s.tenantAdmin.fetch(`/admin/audit.json?tenant=${f.acme}`)).text();
    expect(csv).toContain("secrets changed: bot_token");
    for (const out of [csv, json]) {
      expect(out).not.toContain(NEW_TOKEN);
      expect(out).not.toContain("123456:SEEDED-telegram-bot-token-d00d");
    }
  });

  test("an agent saved names the fields changed, not their values", async () => {
    const [ada] = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(agents).where(eq(agents.slug, "ada")));
    const form = { ...agentToForm(ada!), instructions: "Answer in haiku, always." };
    expect((await s.tenantAdmin.fetch(`/admin/agents/${ada!.id}?tenant=${f.acme}`, { form })).status).toBe(303);
    const [, config] = await trail("tenantAdmin", "kind=config");
    const entry = config.find((e) => e.data.object === "agent")!;
    expect([entry.actor, entry.data.id, entry.data.fields, entry.summary]).toEqual([f.emails.tenantAdmin, ada!.id, ["instructions"], "agent Ada saved: instructions"]);
    expect(JSON.stringify(config)).not.toContain("haiku");
  });

  test("the other tenant's admin sees none of acme's entries", async () => {
    expect((await trail("otherAdmin", "")).at(0)).toBe(403);
    expect((await s.otherAdmin.fetch(`/admin/audit.csv?tenant=${f.acme}`)).status).toBe(403);
    expect((await s.otherAdmin.fetch(`/admin/audit?tenant=${f.acme}`)).status).toBe(403);
    const [status, own] = await trail("otherAdmin", "", f.globex);
    expect(status).toBe(200);
    const text = JSON.stringify(own);
    for (const email of [f.emails.tenantAdmin, f.emails.operator]) expect(text).not.toContain(email);
    expect(own.some((e) => e.kind === "sign_in" && e.actor === f.emails.otherAdmin)).toBe(true);
  });

  test("the platform's trail: platform admins alone, with their own sign-ins and the unknown-account failures", async () => {
    for (const who of ["tenantAdmin", "otherAdmin", "operator"] as const) {
      expect((await s[who].fetch("/admin/audit.json?trail=platform")).status).toBe(403);
      expect((await s[who].fetch("/admin/audit?trail=platform")).status).toBe(403);
    }
    const res = await s.platformAdmin.fetch("/admin/audit.json?trail=platform");
    expect(res.status).toBe(200);
    const rows = (await res.json()) as Entry[];
    expect(rows.some((e) => e.kind === "sign_in" && e.actor === f.emails.platformAdmin)).toBe(true);
    expect(rows.filter((e) => e.kind === "sign_in.failed").map((e) => e.data.ip)).toEqual(["198.51.100.8"]);
    expect(rows.some((e) => e.actor === f.emails.tenantAdmin)).toBe(false);
    const page = await (await s.platformAdmin.fetch("/admin/audit?trail=platform&kind=sign_in.failed")).text();
    expect(page).toContain("Audit log — platform");
    expect(page).toContain("sign-in failed");
    expect(await (await s.platformAdmin.fetch(`/admin/audit?tenant=${f.acme}`)).text()).toContain('href="/admin/audit?trail=platform"');
  });

  test("changes through the admin API with a bearer token are in the trail, filterable by actor", async () => {
    const api = (path: string, init: RequestInit = {}) =>
      f.app().http.handle(new Request(`http://localhost/api/v1/tenants/${f.acme}${path}`, { ...init, headers: { authorization: `Bearer ${f.tokens.tenantAdmin}`, "content-type": "application/json" } }));
    const created = await api("/agents", { method: "POST", body: JSON.stringify({ slug: "bob", name: "Bob", models: ["mock/gpt-test"] }) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await api(`/agents/${id}`, { method: "PATCH", body: JSON.stringify({ persona: "terse" }) })).status).toBe(200);
    const res = await api(`/audit?kind=config&actor=${encodeURIComponent(f.emails.tenantAdmin)}`);
    const items = ((await res.json()) as { items: Entry[] }).items.filter((e) => e.data.id === id);
    expect(items.map((e) => [e.actor, e.data.step, e.data.fields])).toEqual([
      [f.emails.tenantAdmin, "saved", ["persona"]],
      [f.emails.tenantAdmin, "created", expect.arrayContaining(["name", "slug", "models"])],
    ]);
    expect(items[0]!.data.ip).toBe("unknown"); // app.handle: no socket, no peer
  });

  test("platform_audit is append-only for the platform role, and closed to the tenant role", async () => {
    const db = f.app().db;
    await expect(db.platform((tx) => tx.update(platformAudit).set({ summary: "rewritten" }))).rejects.toThrow(/permission denied/);
    await expect(db.platform((tx) => tx.delete(platformAudit))).rejects.toThrow(/permission denied/);
    await expect(db.withTenant(f.acme, (tx) => tx.select().from(platformAudit))).rejects.toThrow(/permission denied/);
    expect((await db.platform((tx) => tx.select().from(platformAudit))).length).toBeGreaterThan(0);
  });

  test("a password change and a tenant renamed in the console are in the trail", async () => {
    const changed = await s.operator.fetch("/admin/password", { form: { current: PASSWORD, password: "a brand new passphrase 42", confirm: "a brand new passphrase 42" } });
    expect(changed.status).toBe(303);
    const renamed = await s.platformAdmin.fetch(`/admin/tenants/${f.globex}`, { form: { name: "Globex Corp", slug: "globex" } });
    expect(renamed.status).toBe(303);
    const [, pw] = await trail("tenantAdmin", "kind=password.changed");
    expect(pw.map((e) => e.actor)).toEqual([f.emails.operator]);
    expect(JSON.stringify(pw)).not.toContain("brand new passphrase");
    const [, globex] = await trail("otherAdmin", "kind=config", f.globex);
    expect(globex.map((e) => [e.actor, e.data.object, e.data.fields])).toEqual([[f.emails.platformAdmin, "tenant", ["name"]]]);
  });

  test("a role change appears with its actor, the user and both roles; the other tenant's admin can neither do it nor see it", async () => {
    expect((await s.otherAdmin.fetch(`/admin/users/${f.userIds.operator}/role`, { form: { role: "tenant_admin" } })).status).toBe(404);
    expect((await s.tenantAdmin.fetch(`/admin/users/${f.userIds.operator}/role`, { form: { role: "tenant_admin" }, csrf: false })).status).toBe(403);
    expect((await s.tenantAdmin.fetch(`/admin/users/${f.userIds.operator}/role`, { form: { role: "tenant_admin" } })).status).toBe(303);
    const [, roles] = await trail("tenantAdmin", "kind=role.changed");
    expect(roles.map((e) => [e.actor, e.data.user_id, e.data.target_user_id, e.data.from, e.data.to])).toEqual([
      [f.emails.tenantAdmin, f.userIds.tenantAdmin, f.userIds.operator, "operator", "tenant_admin"],
    ]);
    expect(await (await s.operator.fetch(`/admin/audit?tenant=${f.acme}`)).text()).toContain("operator → tenant admin"); // promoted: the Audit page opens
    const [, globex] = await trail("otherAdmin", "kind=role.changed", f.globex);
    expect(globex).toEqual([]);
  });

  test("the actor filter also finds the person's inbox and approval entries (actor console:<email>)", async () => {
    await f.app().db.withTenant(f.acme, (tx) => audit(tx, { tenantId: f.acme, kind: "handoff", actor: `console:${f.emails.operator}`, summary: "taken by them", data: { step: "taken" } }));
    const [, mine] = await trail("tenantAdmin", `kind=handoff&actor=${encodeURIComponent(f.emails.operator)}`);
    expect(mine.map((e) => e.summary)).toEqual(["taken by them"]);
    const [, none] = await trail("tenantAdmin", `kind=handoff&actor=${encodeURIComponent(f.emails.tenantAdmin)}`);
    expect(none).toEqual([]);
  });
});
