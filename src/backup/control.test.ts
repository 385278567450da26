/** The control socket on a real PGlite database: only GET /backup, one at a time, and a path too long to bind is a warning, not a failed start. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import { openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { controlSocketPath, startControl } from "./control.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase("embedded");
});
afterAll(() => t.cleanup());

test("one backup at a time; anything else is 404; stop removes the socket", async () => {
  const control = startControl({ dataDir: t.dataDir, db: t.db, log: pino({ level: "silent" }) })!;
  const unix = controlSocketPath(t.dataDir);
  try {
    expect((await fetch("http://konstruct/metrics", { unix })).status).toBe(404);
    expect((await fetch("http://konstruct/backup", { unix, method: "POST" })).status).toBe(404);
    const [first, second] = await Promise.all([fetch("http://konstruct/backup", { unix }), fetch("http://konstruct/backup", { unix })]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const ok = first.status === 200 ? first : second;
    const bytes = (await ok.arrayBuffer()).byteLength;
    expect(bytes).toBeGreaterThan(100_000);
    // Once it has finished, the next one is served.
    const third = await fetch("http://konstruct/backup", { unix });
    expect(third.status).toBe(200);
    await third.arrayBuffer();
  } finally {
    control.stop();
  }
  expect(existsSync(unix)).toBe(false);
});

test("a data_dir path too long for a socket: logged, no control path, nothing thrown", () => {
  const lines: { msg: string }[] = [];
  const log = pino({ level: "info" }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  expect(startControl({ dataDir: join(t.dataDir, "x".repeat(120)), db: t.db, log })).toBeNull();
  expect(lines[0]!.msg).toContain("too long for the control socket");
});
