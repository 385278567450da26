/**
 * The password page: the current password first, the new one twice; afterwards the old password no
 * longer signs in, the new one does, the user's other sessions have ended and this one goes on.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { browser, type ConsoleFixture, consoleFixture, PASSWORD, signIn } from "../../../test/support/admin.ts";
import { loginThrottle } from "../../db/schema/index.ts";

const NEW = "a quieter mountain lantern 42";

describe("GET/POST /admin/password", () => {
  let f: ConsoleFixture;
  beforeAll(async () => {
    f = await consoleFixture("embedded");
  });
  afterAll(() => f.cleanup());

  test("the page is linked from every console page and asks for the current password", async () => {
    const b = await signIn(browser(f.app), f.emails.operator);
    expect(await (await b.fetch("/admin")).text()).toContain('href="/admin/password"');
    const page = await (await b.fetch("/admin/password")).text();
    expect(page).toContain('name="current"');
    expect(page).toContain('name="confirm"');
  });

  test("wrong current password, differing confirmation, no CSRF token: nothing changes", async () => {
    const b = await signIn(browser(f.app), f.emails.operator);
    const wrong = await b.fetch("/admin/password", { form: { current: "nope nope nope", password: NEW, confirm: NEW } });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("not your current password");
    const weak = await b.fetch("/admin/password", { form: { current: PASSWORD, password: "password1234", confirm: "password1234" } });
    expect(weak.status).toBe(400);
    expect(await weak.text()).toContain("too easy to guess");
    const differ = await b.fetch("/admin/password", { form: { current: PASSWORD, password: NEW, confirm: `${NEW}x` } });
    expect(await differ.text()).toContain("the passwords differ");
    expect((await b.fetch("/admin/password", { form: { current: PASSWORD, password: NEW, confirm: NEW }, csrf: false })).status).toBe(403);
    await signIn(browser(f.app), f.emails.operator); // the old password still works
    await f.app().db.platform((tx) => tx.delete(loginThrottle));
  });

  test("a change: the new password signs in, the old does not; other sessions end, this one stays", async () => {
    const here = await signIn(browser(f.app), f.emails.tenantAdmin);
    const elsewhere = await signIn(browser(f.app), f.emails.tenantAdmin);
    const res = await here.fetch("/admin/password", { form: { current: PASSWORD, password: NEW, confirm: NEW } });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/password?flash=password_changed");
    expect(await (await here.fetch("/admin/password?flash=password_changed")).text()).toContain("Password changed");
    expect((await elsewhere.fetch("/admin", { headers: { accept: "text/html" } })).status).toBe(302);
    await expect(signIn(browser(f.app), f.emails.tenantAdmin)).rejects.toThrow(/401/);
    await signIn(browser(f.app), f.emails.tenantAdmin, NEW);
  });

  test("wrong current passwords count against the IP: the page answers 429 at the limit", async () => {
    const b = await signIn(browser(f.app), f.emails.platformAdmin);
    let last = 0;
    for (let i = 0; i < 12 && last !== 429; i++)
      last = (await b.fetch("/admin/password", { form: { current: `guess ${i} guess`, password: NEW, confirm: NEW } })).status;
    expect(last).toBe(429);
    await f.app().db.platform((tx) => tx.delete(loginThrottle));
  });
});
