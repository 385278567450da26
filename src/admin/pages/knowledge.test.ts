/**
 * The Knowledge page: a tenant admin uploads through the embedded form (htmx partial, CSRF header),
 * watches the list poll until the document is ready, and deletes it; an operator sees the same list
 * without the upload form or delete buttons, and the server refuses it both anyway.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Browser, type ConsoleFixture, consoleFixture, type Who } from "../../../test/support/admin.ts";
import { EMBEDDINGS_CONFIG } from "../../../test/support/models.ts";

describe("Knowledge page", () => {
  let f: ConsoleFixture;
  let s: Record<Who, Browser>;
  const upload = (b: Browser, text: string, csrf?: false) => {
    const form = new FormData();
    form.append("file", new Blob([text], { type: "text/markdown" }), "parking.md");
    return b.fetch(`/kb/acme/partials/upload`, { method: "POST", body: form, ...(csrf === false ? { csrf } : {}) });
  };

  beforeAll(async () => {
    f = await consoleFixture("embedded", EMBEDDINGS_CONFIG);
    s = await f.sessions();
  });
  afterAll(() => f.cleanup());

  test("a tenant admin uploads, sees progress until ready, and deletes", async () => {
    const page = await (await s.tenantAdmin.fetch("/admin/knowledge")).text();
    expect(page).toContain(`hx-post="/kb/acme/partials/upload"`);
    expect(page).toContain("No documents yet.");
    expect((await upload(s.tenantAdmin, "# Parking\n\nThe garage opens at 7:00.", false)).status).toBe(403);
    const list = await (await upload(s.tenantAdmin, "# Parking\n\nThe garage opens at 7:00.")).text();
    expect(list).toContain("Parking");
    expect(list).toContain(`hx-get="/kb/acme/partials/documents" hx-trigger="every 1s"`);
    await f.app().semantic.jobs.drained();
    const ready = await (await s.tenantAdmin.fetch("/admin/knowledge")).text();
    const id = /id="kb-doc-([0-9a-f-]+)" data-status="ready"><td><a href="[^"]*">Parking/.exec(ready)?.[1];
    expect(id).toBeDefined();
    expect(ready).toContain(`hx-delete="/api/v1/kb/acme/documents/${id}"`);
    // The delete button as htmx sends it: session cookie and the CSRF header.
    expect((await s.tenantAdmin.fetch(`/api/v1/kb/acme/documents/${id}`, { method: "DELETE", csrf: false, headers: { "hx-request": "true" } })).status).toBe(403);
    const del = await s.tenantAdmin.fetch(`/api/v1/kb/acme/documents/${id}`, { method: "DELETE", headers: { "hx-request": "true" } });
    expect([del.status, await del.text()]).toEqual([200, ""]);
    expect(await (await s.tenantAdmin.fetch("/admin/knowledge")).text()).not.toContain("Parking");
  });

  test("an operator reads the list but gets no upload form or delete button, and is refused both", async () => {
    await upload(s.tenantAdmin, "# Visitors\n\nVisitors sign in at the front desk.");
    await f.app().semantic.jobs.drained();
    const [doc] = await f.app().semantic.knowledge.list(f.acme);
    for (const html of [await (await s.operator.fetch("/admin/knowledge")).text(), await (await s.operator.fetch(`/kb/acme/partials/panel`)).text(), await (await s.operator.fetch(`/kb/acme/partials/documents`)).text()]) {
      expect(html).toContain("Visitors");
      expect(html).not.toContain("hx-post=");
      expect(html).not.toContain("hx-delete=");
    }
    expect((await upload(s.operator, "# Sneaky\n\nNot allowed.")).status).toBe(403);
    expect((await s.operator.fetch(`/api/v1/kb/acme/documents/${doc!.id}`, { method: "DELETE" })).status).toBe(403);
    expect((await s.otherAdmin.fetch(`/admin/knowledge?tenant=${f.acme}`)).status).toBe(403);
    expect((await f.app().semantic.knowledge.list(f.acme)).map((d) => d.title)).toEqual(["Visitors"]);
  });
});
