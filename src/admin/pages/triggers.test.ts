/**
 * The Triggers page on both databases, two tenants: a tenant admin creates a webhook trigger (CSRF
 * required) and sees its URL and secret once; the secret is never on the page again; signed and
 * forged deliveries show up with their outcomes; operators read without actions; the other
 * tenant's admin sees none of it; a bad filter is refused next to its field; Delete kills the URL.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { type Browser, type ConsoleFixture, consoleFixture, type Who } from "../../../test/support/admin.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { agents, channels, triggers } from "../../db/schema/index.ts";
import { sign } from "../../triggers/signature.ts";

describe.each(DB_KINDS)("console triggers on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let s: Record<Who, Browser>;
  let form: Record<string, string>;
  beforeAll(async () => {
    f = await consoleFixture(kind);
    s = await f.sessions();
    const [agent] = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(agents));
    const [channel] = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(channels).where(eq(channels.name, "acme-slack")));
    form = { name: "pr-opened", kind: "webhook", scheme: "github", event: "", agent_id: agent!.id, channel_id: channel!.id, chat: "C0ACME", thread: "", filter: "$.action = opened", instruction: "Review {{ $.pull_request.title }}" };
  }, 60_000);
  afterAll(() => f.cleanup());
  const page = async (who: Who, tenant = f.acme) => {
    const res = await s[who].fetch(`/admin/triggers?tenant=${tenant}`);
    return [res.status, await res.text()] as const;
  };
  const hook = (publicId: string, body: string, headers: Record<string, string>) =>
    f.app().http.handle(new Request(`http://localhost/hooks/trigger/${publicId}`, { method: "POST", body, headers }));

  test("created with CSRF only; URL and secret shown once; deliveries and outcomes listed", async () => {
    expect((await s.tenantAdmin.fetch(`/admin/triggers?tenant=${f.acme}`, { form, csrf: false })).status).toBe(403);
    const created = await s.tenantAdmin.fetch(`/admin/triggers?tenant=${f.acme}`, { form });
    const html = await created.text();
    expect(created.status).toBe(200);
    const [row] = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(triggers));
    expect(row).toMatchObject({ name: "pr-opened", chatKey: "C0ACME", filter: [{ path: "$.action", equals: "opened" }], source: "console" });
    const secret = /class="secret-once">([0-9a-f]{64})</.exec(html)?.[1];
    expect(secret).toBeDefined();
    expect(html).toContain(`/hooks/trigger/${row!.publicId}`);
    expect(f.app().secrets.unseal(row!.secret!)).toBe(secret!);

    const body = JSON.stringify({ action: "opened", pull_request: { title: "<script>alert(1)</script>" } });
    expect((await hook(row!.publicId, body, sign("github", secret!, body, { deliveryId: "<b>d-1</b>" }))).status).toBe(202);
    expect((await hook(row!.publicId, body, sign("github", "forged", body))).status).toBe(401);
    const [status, later] = await page("tenantAdmin");
    expect(status).toBe(200);
    expect(later).not.toContain(secret!);
    expect(later).toContain(`/hooks/trigger/${row!.publicId}`);
    expect(later).toContain("refused: signature mismatch");
    expect(later).toMatch(/class="delivery-accepted"[\s\S]*?href="\/admin\/tasks\//);
    expect(later).toContain("&lt;b&gt;d-1&lt;/b&gt;");
    expect(later).not.toContain("<b>d-1</b>");
  });

  test("operators read without actions; the other tenant's admin sees nothing of it", async () => {
    const [status, html] = await page("operator");
    expect(status).toBe(200);
    expect(html).toContain("pr-opened");
    expect(html).not.toContain("Create trigger");
    expect(html).not.toContain("/delete?");
    expect((await page("otherAdmin"))[0]).toBe(403);
    const [own, theirs] = await page("otherAdmin", f.globex);
    expect(own).toBe(200);
    expect(theirs).not.toContain("pr-opened");
    expect((await s.otherAdmin.fetch(`/admin/triggers?tenant=${f.acme}`, { form: { ...form, name: "sneaky" } })).status).toBe(403);
  });

  test("a bad filter is refused next to its field; nothing is created", async () => {
    const res = await s.tenantAdmin.fetch(`/admin/triggers?tenant=${f.acme}`, { form: { ...form, name: "bad", filter: "$..action = opened" } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('id="f-filter-error"');
    const tpl = await s.tenantAdmin.fetch(`/admin/triggers?tenant=${f.acme}`, { form: { ...form, name: "bad", instruction: "{{ $.a; drop table }}" } });
    expect([tpl.status, (await tpl.text()).includes('id="f-instruction-error"')]).toEqual([400, true]);
    const dup = await s.tenantAdmin.fetch(`/admin/triggers?tenant=${f.acme}`, { form });
    expect([dup.status, (await dup.text()).includes("a trigger with this name exists")]).toEqual([400, true]);
    expect((await f.app().db.withTenant(f.acme, (tx) => tx.select().from(triggers))).map((r) => r.name)).toEqual(["pr-opened"]);
  });

  test("Pause refuses deliveries (recorded); Delete makes the URL refuse everything", async () => {
    const [row] = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(triggers));
    expect((await s.operator.fetch(`/admin/triggers/${row!.id}/delete?tenant=${f.acme}`, { method: "POST" })).status).toBe(403);
    expect((await s.tenantAdmin.fetch(`/admin/triggers/${row!.id}/pause?tenant=${f.acme}`, { method: "POST" })).status).toBe(303);
    const body = JSON.stringify({ action: "opened" });
    const secret = f.app().secrets.unseal(row!.secret!);
    expect((await hook(row!.publicId, body, sign("github", secret, body, { deliveryId: "d-2" }))).status).toBe(409);
    expect((await page("tenantAdmin"))[1]).toContain("refused: trigger paused");
    expect((await s.tenantAdmin.fetch(`/admin/triggers/${row!.id}/delete?tenant=${f.acme}`, { method: "POST" })).status).toBe(303);
    expect((await hook(row!.publicId, body, sign("github", secret, body, { deliveryId: "d-3" }))).status).toBe(401);
  });
});
