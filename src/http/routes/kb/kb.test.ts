/**
 * The knowledge-base API and its htmx partials, in-process against a real app (embedded database,
 * real model): upload (multipart) → progress → ready; duplicate; delete; search; bad input is a 4xx
 * with a reason; one tenant's id never reaches another's documents. Every call is authenticated as
 * acme's admin (token for /api/v1, signed-in session for the partials); anonymous is 401, globex's
 * admin naming acme is 403.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Browser, type TenantAdmin, tenantAdmins } from "../../../../test/support/admin.ts";
import { startTestApp, type TestApp } from "../../../../test/support/app.ts";
import { EMBEDDINGS_CONFIG } from "../../../../test/support/models.ts";

const fixture = (name: string) => Bun.file(`${import.meta.dir}/../../../../test/fixtures/kb/${name}`);

describe("knowledge base HTTP API", () => {
  let t: TestApp;
  let admins: Record<"acme" | "globex", TenantAdmin>;
  let session: Browser;
  beforeAll(async () => {
    t = await startTestApp("embedded", { ...EMBEDDINGS_CONFIG, tenants: [{ slug: "acme", name: "Acme" }, { slug: "globex", name: "Globex" }] });
    admins = await tenantAdmins(() => t.app, ["acme", "globex"]);
    session = await admins.acme.browser();
  });
  afterAll(() => t.cleanup());

  /** As acme's admin: its token on /api/v1, its signed-in session (CSRF header on writes) on /kb partials. */
  const call = (method: string, path: string, body?: FormData, headers: Record<string, string> = {}) =>
    path.startsWith("/api/") ? admins.acme.api(path, { method, body, headers }) : session.fetch(path, { method, body, headers });
  const anonymous = (method: string, path: string, body?: FormData, headers: Record<string, string> = {}) =>
    t.app.http.handle(new Request(`http://localhost${path}`, { method, body, headers }));
  const upload = (tenant: string, ...files: [string, Blob][]) => {
    const form = new FormData();
    for (const [name, blob] of files) form.append("file", blob, name);
    return call("POST", `/api/v1/kb/${tenant}/documents`, form);
  };

  test("upload → 201 with progress; the job brings it to ready; a duplicate is 200 and a no-op", async () => {
    const res = await upload("acme", ["handbook.md", fixture("handbook.md")], ["policy.pdf", fixture("policy.pdf")], ["onboarding.docx", fixture("onboarding.docx")], ["travel.html", fixture("travel.html")]);
    expect(res.status).toBe(201);
    const { documents } = (await res.json()) as { documents: { id: string; title: string; status: string; duplicate: boolean }[] };
    expect(documents.map((d) => [d.title, d.duplicate])).toEqual([["Northwind Employee Handbook", false], ["Security Policy", false], ["Onboarding Guide", false], ["Travel Guide", false]]);
    await t.app.semantic.jobs.drained();
    const one = (await (await call("GET", `/api/v1/kb/acme/documents/${documents[0]!.id}`)).json()) as { document: { status: string; progress: number } };
    expect(one.document).toMatchObject({ status: "ready", progress: 100 });
    const again = await upload("acme", ["renamed.md", fixture("handbook.md")]);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { documents: { duplicate: boolean; id: string }[] }).documents[0]).toMatchObject({ duplicate: true, id: documents[0]!.id });
    const list = (await (await call("GET", "/api/v1/kb/acme/documents")).json()) as { documents: unknown[] };
    expect(list.documents).toHaveLength(4);
  });

  test("search answers with passages and citations", async () => {
    const res = await call("GET", `/api/v1/kb/acme/search?q=${encodeURIComponent("minimum password length")}&k=3`);
    type Side = { rank: number; score: number } | null;
    const { passages } = (await res.json()) as { passages: { title: string; citation: string; content: string; fusedRank: number; score: number; text: Side; vector: Side }[] };
    expect(passages[0]).toMatchObject({ title: "Security Policy", citation: "Security Policy" });
    expect(passages[0]!.content).toContain("at least 14 characters");
    // How it was found: both sides ranked it, and the fused score is their reciprocal ranks' sum.
    const [top] = passages;
    expect(top!.fusedRank).toBe(1);
    expect(top!.score).toBeCloseTo(1 / (60 + top!.text!.rank) + 1 / (60 + top!.vector!.rank), 9);
    expect(top!.vector!.score).toBeGreaterThan(0);
    expect((await call("GET", `/api/v1/kb/acme/search?q=${"a".repeat(501)}`)).status).toBe(400);
  });

  test("bad input: 4xx with a reason, nothing stored", async () => {
    const noFile = await call("POST", "/api/v1/kb/acme/documents", new FormData());
    expect([noFile.status, ((await noFile.json()) as { error: { message: string } }).error.message]).toEqual([400, "expected multipart/form-data with a 'file' field"]);
    const png = await upload("acme", ["photo.png", new Blob([new Uint8Array([137, 80, 78, 71])], { type: "image/png" })]);
    expect(png.status).toBe(400);
    expect(((await png.json()) as { error: { message: string } }).error.message).toContain("unsupported document type 'photo.png'");
    // An unknown tenant answers like one the caller may not see, so slugs do not leak.
    expect((await call("GET", "/api/v1/kb/nobody/documents")).status).toBe(403);
    expect((await call("GET", "/api/v1/kb/acme/search?q=")).status).toBe(400);
    expect(((await (await call("GET", "/api/v1/kb/acme/documents")).json()) as { documents: unknown[] }).documents).toHaveLength(4);
  });

  test("another tenant's path sees none of it, and cannot delete it", async () => {
    // As globex's own admin, on globex's path, with acme's document id.
    const globex = (method: string, path: string) => admins.globex.api(path, { method });
    const { documents } = (await (await call("GET", "/api/v1/kb/acme/documents")).json()) as { documents: { id: string }[] };
    expect(((await (await globex("GET", "/api/v1/kb/globex/documents")).json()) as { documents: unknown[] }).documents).toEqual([]);
    expect((await globex("GET", `/api/v1/kb/globex/documents/${documents[0]!.id}`)).status).toBe(404);
    expect((await globex("DELETE", `/api/v1/kb/globex/documents/${documents[0]!.id}`)).status).toBe(404);
    expect(((await (await globex("GET", `/api/v1/kb/globex/search?q=password`)).json()) as { passages: unknown[] }).passages).toEqual([]);
  });

  test("htmx partials: panel with upload form, list with progress, upload via the form, delete", async () => {
    const panel = await (await call("GET", "/kb/acme/partials/panel")).text();
    expect(panel).toContain('hx-post="/kb/acme/partials/upload"');
    expect(panel).toContain("Northwind Employee Handbook");
    expect(panel).not.toContain('hx-trigger="every 1s"');
    const form = new FormData();
    form.append("file", new Blob(["# Parking\n\nThe garage opens at 7:00."], { type: "text/markdown" }), "parking.md");
    const uploaded = await (await call("POST", "/kb/acme/partials/upload", form)).text();
    // Still being embedded: the list polls itself.
    expect(uploaded).toContain("Parking");
    expect(uploaded).toContain('hx-trigger="every 1s"');
    await t.app.semantic.jobs.drained();
    const list = await (await call("GET", "/kb/acme/partials/documents")).text();
    expect(list).not.toContain('hx-trigger="every 1s"');
    const id = /id="kb-doc-([0-9a-f-]+)" data-status="ready"><td><a href="[^"]*">Parking/.exec(list)?.[1];
    expect(id).toBeDefined();
    const del = await call("DELETE", `/api/v1/kb/acme/documents/${id}`, undefined, { "hx-request": "true" });
    expect([del.status, await del.text()]).toEqual([200, ""]);
    expect(await (await call("GET", "/kb/acme/partials/documents")).text()).not.toContain("Parking");
  });

  test("anonymous callers get 401, another tenant's admin 403, and nothing changes", async () => {
    const { documents } = (await (await call("GET", "/api/v1/kb/acme/documents")).json()) as { documents: { id: string }[] };
    const id = documents[0]!.id;
    const form = () => {
      const f = new FormData();
      f.append("file", new Blob(["# Intruder\n\nNot for acme."], { type: "text/markdown" }), "intruder.md");
      return f;
    };
    const requests: [string, string, (() => FormData)?][] = [
      ["GET", "/api/v1/kb/acme/documents"],
      ["GET", `/api/v1/kb/acme/documents/${id}`],
      ["GET", "/api/v1/kb/acme/search?q=password"],
      ["POST", "/api/v1/kb/acme/documents", form],
      ["DELETE", `/api/v1/kb/acme/documents/${id}`],
    ];
    const other = await admins.globex.browser();
    for (const [method, path, body] of requests) {
      expect([path, (await anonymous(method, path, body?.())).status]).toEqual([path, 401]);
      expect([path, (await admins.globex.api(path, { method, body: body?.() })).status]).toEqual([path, 403]);
    }
    for (const path of ["/kb/acme/partials/panel", "/kb/acme/partials/documents"]) {
      // A signed-out browser is sent to the login page.
      expect([path, (await anonymous("GET", path, undefined, { accept: "text/html" })).status]).toEqual([path, 302]);
      expect([path, (await other.fetch(path)).status]).toEqual([path, 403]);
    }
    expect((await other.fetch("/kb/acme/partials/upload", { method: "POST", body: form() })).status).toBe(403);
    expect((await session.fetch("/kb/acme/partials/upload", { method: "POST", body: form(), csrf: false })).status).toBe(403);
    const after = (await (await call("GET", "/api/v1/kb/acme/documents")).json()) as { documents: { id: string; title: string }[] };
    expect(after.documents.map((d) => d.id)).toEqual(documents.map((d) => d.id));
  });
});
