/**
 * The website widget page on both databases, two tenants: a tenant admin sets the allowed origins
 * (required, exact — a path or wildcard is refused with the field's error) and gets the snippet,
 * whose script is served at once and whose calls are refused for other origins; switching it off
 * takes effect at once; the other tenant's admin cannot open or change it, operators are refused.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { type Browser, type ConsoleFixture, consoleFixture, type Who } from "../../../test/support/admin.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { agents, channels } from "../../db/schema/index.ts";
import { ADAPTERS } from "../../gateway/gateway.ts";

const eqKind = (k: string) => eq(channels.kind, k);

describe.each(DB_KINDS)("console website widget on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let s: Record<Who, Browser>;
  let ada = "";
  let path = "";
  beforeAll(async () => {
    f = await consoleFixture(kind, {}, { adapters: { webchat: ADAPTERS.webchat!, widget: ADAPTERS.widget! } });
    s = await f.sessions();
    [{ id: ada }] = (await f.app().db.withTenant(f.acme, (tx) => tx.select({ id: agents.id }).from(agents))) as [{ id: string }];
    path = `/admin/agents/${ada}/widget?tenant=${f.acme}`;
  }, 60_000);
  afterAll(() => f.cleanup());
  const session = (widgetId: string, origin: string) =>
    f.app().http.handle(new Request(`http://localhost/widget/${widgetId}/session`, { method: "POST", headers: { origin, "content-type": "text/plain" }, body: "{}" }));

  test("origins are required and exact; saved, the snippet appears and the widget answers its site only", async () => {
    const first = await s.tenantAdmin.fetch(path);
    expect(first.status).toBe(200);
    expect(await first.text()).toContain("Not set up yet");
    for (const origins of ["", "https://shop.example.com/page", "https://*.example.com"]) {
      const bad = await s.tenantAdmin.fetch(path, { form: { enabled: "on", origins } });
      expect([bad.status, (await bad.text()).includes('id="f-origins-error"')]).toEqual([400, true]);
    }
    const saved = await s.tenantAdmin.fetch(path, { form: { enabled: "on", origins: "https://shop.example.com\nhttp://localhost:3000" } });
    expect(saved.status).toBe(303);
    const [row] = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(channels).where(eqKind("widget")));
    expect(row!.settings).toEqual({ origins: "https://shop.example.com http://localhost:3000", enabled: "true" });
    const html = await (await s.tenantAdmin.fetch(path)).text();
    expect(html).toContain(`&lt;script src=&quot;https://konstruct.example/widget/${row!.id}.js&quot; async&gt;&lt;/script&gt;`);
    expect(html).toContain("server.public_url is not set");
    const js = await f.app().http.handle(new Request(`http://localhost/widget/${row!.id}.js`));
    expect(js.status).toBe(200);
    expect((await session(row!.id, "https://shop.example.com")).status).toBe(200);
    expect((await session(row!.id, "https://other.example.com")).status).toBe(403);
    // Off: at once, no restart needed.
    expect((await s.tenantAdmin.fetch(path, { form: { enabled: "off", origins: "https://shop.example.com" } })).status).toBe(303);
    expect((await session(row!.id, "https://shop.example.com")).status).toBe(403);
    expect((await f.app().http.handle(new Request(`http://localhost/widget/${row!.id}.js`))).status).toBe(403);
  });

  test("the other tenant's admin and operators cannot open or change it", async () => {
    expect((await s.otherAdmin.fetch(path)).status).toBe(403);
    expect((await s.otherAdmin.fetch(path, { form: { enabled: "on", origins: "https://evil.example.com" } })).status).toBe(403);
    expect((await s.otherAdmin.fetch(`/admin/agents/${ada}/widget?tenant=${f.globex}`)).status).toBe(404);
    expect((await s.operator.fetch(path)).status).toBe(403);
    const [row] = await f.app().db.withTenant(f.acme, (tx) => tx.select().from(channels).where(eqKind("widget")));
    expect(row!.settings.origins).toBe("https://shop.example.com");
  });
});
