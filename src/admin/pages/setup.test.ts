/** First run: until a platform admin exists every page leads to /setup; afterwards /setup is gone. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { users } from "../../db/schema/index.ts";
import { startTestApp, type TestApp } from "../../../test/support/app.ts";
import { anonymousBrowser, browser, signIn } from "../../../test/support/admin.ts";

describe("first run", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp("embedded", {}, { adapters: {} });
  });
  afterAll(() => t.cleanup());
  const get = (path: string) => t.app.http.handle(new Request(`http://localhost${path}`, { headers: { accept: "text/html" } }));

  test("pages redirect to /setup, the API says so, infrastructure routes are untouched", async () => {
    for (const path of ["/", "/admin", "/admin/users", "/login", "/admin/whatever-part-b-adds"]) {
      const res = await get(path);
      if (res.status !== 404) expect([path, res.status, res.headers.get("location")]).toEqual([path, 302, "/setup"]);
    }
    const api = await t.app.http.handle(new Request("http://localhost/api/v1/me"));
    expect(api.status).toBe(401);
    expect(((await api.json()) as { error: { message: string } }).error.message).toContain("/setup");
    for (const path of ["/healthz", "/readyz", "/metrics", "/static/app.css"]) expect((await get(path)).status).toBe(200);
  });

  test("setup validates, creates the platform admin, signs them in; then /setup is 404", async () => {
    const b = await anonymousBrowser(() => t.app, "/setup");
    const short = await b.fetch("/setup", { form: { email: "root@example.com", password: "short", confirm: "short" } });
    expect(short.status).toBe(400);
    expect(await short.text()).toContain("must be at least 10 characters");
    const differ = await b.fetch("/setup", { form: { email: "root@example.com", password: "long enough one", confirm: "long enough two" } });
    expect(await differ.text()).toContain("the passwords differ");
    // Two submissions racing: exactly one admin.
    const [one, two] = await Promise.all(
      ["root@example.com", "other@example.com"].map((email) => b.fetch("/setup", { form: { email, password: "long enough one", confirm: "long enough one" } })),
    );
    const statuses = [one!.status, two!.status].sort();
    expect(statuses[0]).toBe(303);
    expect([400, 404]).toContain(statuses[1]!);
    const admins = await t.app.db.platform((tx) => tx.select({ email: users.email }).from(users).where(eq(users.role, "platform_admin")));
    expect(admins).toHaveLength(1);
    const me = await (await b.fetch("/api/v1/me")).json();
    expect(me).toMatchObject({ role: "platform_admin", tenant_id: null });
    expect((await get("/setup")).status).toBe(404);
    const late = await anonymousBrowser(() => t.app);
    expect((await late.fetch("/setup", { form: { email: "late@example.com", password: "long enough one", confirm: "long enough one" } })).status).toBe(404);
    expect((await get("/admin")).status).toBe(302);
    expect((await get("/admin")).headers.get("location")).toBe("/login?next=%2Fadmin");
    await signIn(browser(() => t.app), (me as { email: string }).email, "long enough one");
  });
});
