/**
 * The API keys page on both databases, two tenants: a tenant admin creates a key (CSRF required),
 * sees it once with a curl call naming `acme/ada`, and the key really opens /v1; the page never
 * shows it again; the other tenant's admin can neither see nor revoke it (403 on acme's page, 404
 * through their own tenant, the key still works); operators are refused; Revoke shuts /v1 to it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Browser, type ConsoleFixture, consoleFixture, type Who } from "../../../test/support/admin.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { agents, apiKeys } from "../../db/schema/index.ts";

describe.each(DB_KINDS)("console API keys on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let s: Record<Who, Browser>;
  let key = "";
  beforeAll(async () => {
    f = await consoleFixture(kind);
    s = await f.sessions();
  }, 60_000);
  afterAll(() => f.cleanup());
  const page = async (who: Who, tenant = f.acme) => {
    const res = await s[who].fetch(`/admin/api-keys?tenant=${tenant}`);
    return [res.status, await res.text()] as const;
  };
  const models = (k: string) => f.app().http.handle(new Request("http://localhost/v1/models", { headers: { authorization: `Bearer ${k}` } }));
  const keyRow = async () => (await f.app().db.platform((tx) => tx.select().from(apiKeys))).find((r) => r.name === "zapier")!;

  test("created with CSRF only; shown once with a working curl call; listed without it", async () => {
    expect((await s.tenantAdmin.fetch(`/admin/api-keys?tenant=${f.acme}`, { form: { name: "zapier", agent_id: "" }, csrf: false })).status).toBe(403);
    const res = await s.tenantAdmin.fetch(`/admin/api-keys?tenant=${f.acme}`, { form: { name: "zapier", agent_id: "" } });
    const html = await res.text();
    expect(res.status).toBe(200);
    key = /class="secret-once">(ksk_[A-Za-z0-9_-]+)</.exec(html)?.[1] ?? "";
    expect(key).not.toBe("");
    expect(html).toContain(`authorization: Bearer ${key}`);
    expect(html).toContain("&quot;model&quot;:&quot;acme/ada&quot;");
    const listed = await models(key);
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { data: { id: string }[] }).data.map((m) => m.id)).toEqual(["acme/ada"]);
    const [status, later] = await page("tenantAdmin");
    expect(status).toBe(200);
    expect(later).not.toContain(key);
    expect(later).toMatch(/zapier[\s\S]*?whole tenant[\s\S]*?UTC[\s\S]*?UTC/); // created, and last used by the call above
  });

  test("a key for one AI employee shows its scope; a bad name or another tenant's agent is refused", async () => {
    const [ada] = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(agents));
    const [gus] = await f.app().db.withTenant(f.globex, (tx) => tx.select().from(agents));
    const one = await s.tenantAdmin.fetch(`/admin/api-keys?tenant=${f.acme}`, { form: { name: "ada only", agent_id: ada!.id } });
    expect(one.status).toBe(200);
    expect(await one.text()).toMatch(/ada only<\/td>[\s\S]*?AI employee: Ada/);
    const bad = await s.tenantAdmin.fetch(`/admin/api-keys?tenant=${f.acme}`, { form: { name: "", agent_id: "" } });
    expect([bad.status, (await bad.text()).includes('id="f-name-error"')]).toEqual([400, true]);
    const cross = await s.tenantAdmin.fetch(`/admin/api-keys?tenant=${f.acme}`, { form: { name: "sneaky", agent_id: gus!.id } });
    expect([cross.status, (await cross.text()).includes('id="f-agent_id-error"')]).toEqual([400, true]);
    expect((await f.app().db.platform((tx) => tx.select().from(apiKeys))).map((r) => r.name).sort()).toEqual(["ada only", "zapier"]);
  });

  test("the other tenant's admin neither sees nor revokes it; operators are refused", async () => {
    const row = await keyRow();
    expect((await page("otherAdmin"))[0]).toBe(403);
    const [own, theirs] = await page("otherAdmin", f.globex);
    expect(own).toBe(200);
    expect(theirs).not.toContain("zapier");
    expect(theirs).not.toContain(row.prefix);
    expect((await s.otherAdmin.fetch(`/admin/api-keys/${row.id}/revoke?tenant=${f.acme}`, { method: "POST" })).status).toBe(403);
    expect((await s.otherAdmin.fetch(`/admin/api-keys/${row.id}/revoke?tenant=${f.globex}`, { method: "POST" })).status).toBe(404);
    expect((await s.otherAdmin.fetch(`/admin/api-keys?tenant=${f.acme}`, { form: { name: "x", agent_id: "" } })).status).toBe(403);
    expect((await page("operator"))[0]).toBe(403);
    expect((await s.operator.fetch(`/admin/api-keys/${row.id}/revoke?tenant=${f.acme}`, { method: "POST" })).status).toBe(403);
    expect((await keyRow()).revokedAt).toBeNull();
    expect((await models(key)).status).toBe(200);
  });

  test("Revoke needs CSRF, then /v1 refuses the key", async () => {
    const row = await keyRow();
    expect((await s.tenantAdmin.fetch(`/admin/api-keys/${row.id}/revoke?tenant=${f.acme}`, { method: "POST", csrf: false })).status).toBe(403);
    const res = await s.tenantAdmin.fetch(`/admin/api-keys/${row.id}/revoke?tenant=${f.acme}`, { method: "POST" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toContain("flash=key_revoked");
    expect((await models(key)).status).toBe(401);
    expect((await page("tenantAdmin"))[1]).toMatch(/zapier[\s\S]*?revoked/);
    expect((await s.tenantAdmin.fetch(`/admin/api-keys/${row.id}/revoke?tenant=${f.acme}`, { method: "POST" })).status).toBe(404);
  });
});
