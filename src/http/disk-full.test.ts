/**
 * A full disk over HTTP, against a real listening app whose free-space measurement is injected:
 * /readyz answers 503 with the reason, an upload (API with a token, the console's htmx form) is
 * refused with 507 and "not enough disk space: N MB free, need M MB" — from its headers on the
 * socket, and with the files' real sizes in-process — nothing is stored, and with room again the
 * same upload succeeds. An upload that would take the disk below the minimum is refused too.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Browser, type ConsoleFixture, consoleFixture } from "../../test/support/admin.ts";
import { EMBEDDINGS_CONFIG } from "../../test/support/models.ts";
import { MB } from "../db/disk-space.ts";

describe("full disk", () => {
  let f: ConsoleFixture;
  let port: number;
  let admin: Browser;
  let free = 10_000 * MB;
  /** The cache holds a measurement for up to a second; wait it out after changing `free`. */
  const setFree = async (bytes: number) => ((free = bytes), await Bun.sleep(1100));
  const url = (p: string) => `http://127.0.0.1:${port}${p}`;
  const form = (bytes: number, name = "notes.md") => {
    const fd = new FormData();
    fd.append("file", new Blob([`# Notes ${name}\n\n${"x".repeat(bytes)}`], { type: "text/markdown" }), name);
    return fd;
  };
  const apiUpload = (fd: FormData) => fetch(url("/api/v1/kb/acme/documents"), { method: "POST", body: fd, headers: { authorization: `Bearer ${f.tokens.tenantAdmin}` } });
  const stored = async () => ((await (await admin.fetch("/api/v1/kb/acme/documents")).json()) as { documents: unknown[] }).documents.length;

  beforeAll(async () => {
    f = await consoleFixture("embedded", { ...EMBEDDINGS_CONFIG, server: { host: "127.0.0.1", port: 0 }, disk: { min_free_mb: 64 } }, { listen: true, freeSpace: () => free });
    port = f.app().server!.port!;
    admin = (await f.sessions()).tenantAdmin;
  });
  afterAll(() => f.cleanup());

  test("/readyz is 503 with the reason below disk.min_free_mb, 200 again with room", async () => {
    expect((await fetch(url("/readyz"))).status).toBe(200);
    await setFree(10 * MB);
    const res = await fetch(url("/readyz"));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "disk full", reason: "not enough disk space: 10 MB free, need 64 MB", min_free_mb: 64 });
    await setFree(10_000 * MB);
    expect((await fetch(url("/readyz"))).status).toBe(200);
  });

  test("uploads are 507 with a clear message when the disk is below the minimum; nothing is stored", async () => {
    await setFree(10 * MB);
    const before = await stored();
    const api = await apiUpload(form(1000));
    expect(api.status).toBe(507);
    expect(await api.json()).toEqual({ error: { code: "insufficient_storage", message: expect.stringMatching(/^not enough disk space: 10 MB free, need 65 MB$/) } });
    // In-process (no socket, so no header check): the handler refuses with the files' real sizes.
    const inProcess = await admin.fetch("/api/v1/kb/acme/documents", { method: "POST", body: form(1000) });
    expect(inProcess.status).toBe(507);
    const page = await admin.fetch("/kb/acme/partials/upload", { method: "POST", body: form(1000), headers: { "hx-request": "true" } });
    expect(page.status).toBe(507);
    expect(await page.text()).toContain("not enough disk space: 10 MB free, need 65 MB");
    expect(await stored()).toBe(before);
    await setFree(10_000 * MB);
    expect((await apiUpload(form(1000, "later.md"))).status).toBe(201);
    expect(await stored()).toBe(before + 1);
  });

  test("an upload that would take the disk below the minimum is refused; a smaller one fits", async () => {
    await setFree(64 * MB + 100 * 1024);
    const big = await admin.fetch("/api/v1/kb/acme/documents", { method: "POST", body: form(200 * 1024, "big.md") });
    expect(big.status).toBe(507);
    expect(((await big.json()) as { error: { message: string } }).error.message).toBe("not enough disk space: 64 MB free, need 65 MB");
    expect((await admin.fetch("/api/v1/kb/acme/documents", { method: "POST", body: form(10 * 1024, "small.md") })).status).toBe(201);
    await setFree(10_000 * MB);
  });
});
