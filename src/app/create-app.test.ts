import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import pino from "pino";
import { validate } from "../config/load.ts";
import { createExternalDatabase, embeddedDataDir, tempDir } from "../../test/support/db.ts";
import { type App, createApp } from "./create-app.ts";

const quiet = pino({ level: "silent" });

describe("createApp on the embedded database, in-process HTTP", () => {
  let app: App;
  let dir: { path: string; remove(): void };
  beforeAll(async () => {
    dir = await embeddedDataDir();
    app = createApp(validate({ data_dir: dir.path }), { log: quiet, listen: false });
    await app.start();
  });
  afterAll(async () => {
    await app.stop();
    dir.remove();
  });
  const get = (path: string, headers?: Record<string, string>) => app.http.handle(new Request(`http://localhost${path}`, { headers }));

  test("/healthz and /readyz answer once started", async () => {
    expect(await (await get("/healthz")).json()).toEqual({ status: "ok" });
    const ready = await get("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", database: "embedded" });
  });

  test("/metrics is Prometheus text and counts requests by route", async () => {
    await get("/healthz");
    await Bun.sleep(20); // the counter is updated in onAfterResponse, just after the response
    const res = await get("/metrics");
    expect(res.headers.get("content-type")).toContain("text/plain");
    const body = await res.text();
    expect(body).toMatch(/konstruct_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(body).toContain("konstruct_process_resident_memory_bytes");
  });

  test("unknown routes are a JSON 404 with a reason", async () => {
    const res = await get("/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "no such route" } });
  });

  test("pages: full layout normally, the partial for a non-boosted htmx request", async () => {
    // A fresh install has no admin yet: every page leads to /setup.
    const home = await get("/", { accept: "text/html" });
    expect([home.status, home.headers.get("location")]).toEqual([302, "/setup"]);
    const full = await (await get("/setup")).text();
    expect(full).toStartWith("<!doctype html>");
    expect(full).toContain('href="/static/app.css"');
    expect(full).toContain('src="/static/htmx.min.js"');
    const partial = await (await get("/setup", { "hx-request": "true" })).text();
    expect(partial).not.toContain("<html");
    expect(partial).toContain("Create the platform administrator");
    const boosted = await (await get("/setup", { "hx-request": "true", "hx-boosted": "true" })).text();
    expect(boosted).toStartWith("<!doctype html>");
    expect((await get("/static/app.css")).headers.get("content-type")).toContain("text/css");
    const htmx = await get("/static/htmx.min.js");
    expect(htmx.headers.get("content-type")).toContain("javascript");
    expect(await htmx.text()).toContain("htmx");
    expect((await get("/static/missing.js")).status).toBe(404);
  });
});

describe("createApp lifecycle", () => {
  test("readyz is 503 before start; after stop the port is closed and the data dir reopens", async () => {
    const dir = await embeddedDataDir();
    const config = validate({ data_dir: dir.path, server: { host: "127.0.0.1", port: 0 } });
    const app = createApp(config, { log: quiet });
    expect((await app.http.handle(new Request("http://localhost/readyz"))).status).toBe(503);
    await app.start();
    const url = `http://127.0.0.1:${app.server!.port}`;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    await app.stop();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    const again = createApp(config, { log: quiet, listen: false });
    await again.start();
    await again.stop();
    dir.remove();
  });

  test("a port already in use is a clear error and releases the database", async () => {
    const dir = await embeddedDataDir();
    const squatter = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("x") });
    const config = validate({ data_dir: dir.path, server: { host: "127.0.0.1", port: squatter.port } });
    try {
      const err = await createApp(config, { log: quiet }).start().catch((e) => e);
      expect(err.code).toBe("port_in_use");
      expect(err.message).toContain(`port ${squatter.port}`);
      const retry = createApp(validate({ data_dir: dir.path, server: { port: 0 } }), { log: quiet });
      await retry.start();
      await retry.stop();
    } finally {
      squatter.stop(true);
      dir.remove();
    }
  });

  test("an unreachable external database fails after the bounded retry, not a hang", async () => {
    const dir = tempDir();
    const config = validate({ data_dir: dir.path, database: { url: "postgres://nobody@127.0.0.1:1/x", connect_attempts: 3 } });
    const t0 = performance.now();
    const err = await createApp(config, { log: quiet, listen: false, retryDelayMs: 50 }).start().catch((e) => e);
    expect(err.code).toBe("db_unavailable");
    expect(err.message).toMatch(/cannot connect to postgres:\/\/nobody@127\.0\.0\.1:1\/x after 3 attempt/);
    expect(performance.now() - t0).toBeLessThan(5000);
    dir.remove();
  });

  test("--no-migrate refuses a stale schema, naming the pending migrations", async () => {
    const ext = await createExternalDatabase();
    const dir = tempDir();
    try {
      const config = validate({ data_dir: dir.path, database: { url: ext.url } });
      const err = await createApp(config, { log: quiet, listen: false, autoMigrate: false }).start().catch((e) => e);
      expect(err.code).toBe("schema_stale");
      expect(err.message).toContain("0000_init");
      const app = createApp(config, { log: quiet, listen: false });
      await app.start();
      expect((await app.http.handle(new Request("http://localhost/readyz"))).status).toBe(200);
      await app.stop();
    } finally {
      await ext.drop();
      dir.remove();
    }
  });
});
