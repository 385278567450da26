/**
 * Scheduled backups on a real PGlite database: due when the newest scheduled archive is `every` old
 * (read from the files, so a restart keeps the rhythm), the newest `keep` kept, and a full disk
 * logged and retried only after another `every` — a tick never throws.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readdirSync, utimesSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import { openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { seedTwoTenants } from "../../test/support/two-tenants.ts";
import { diskSpace } from "../db/disk-space.ts";
import { startScheduledBackups } from "./schedule.ts";
import { unpackArchive } from "./unpack.ts";

const HOUR = 3_600_000;
let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase("embedded");
  await seedTwoTenants(t.db, "sched");
});
afterAll(() => t.cleanup());

test("written when due, not again until `every` has passed, the newest `keep` kept", async () => {
  const lines: { msg: string }[] = [];
  const log = pino({ level: "info" }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  const s = startScheduledBackups({ db: t.db, dataDir: t.dataDir, everyMs: HOUR, keep: 2, disk: diskSpace(t.dataDir, 64), log });
  try {
    const dir = join(t.dataDir, "backups");
    const age = (hours: number) => {
      const when = new Date(Date.now() - hours * HOUR);
      for (const f of readdirSync(dir)) utimesSync(join(dir, f), when, when);
    };
    const first = await s.tick();
    expect(first).toMatch(/scheduled-.*\.tar\.gz$/);
    expect((await unpackArchive(first!, null, Number.POSITIVE_INFINITY)).includes_key).toBe(false);
    expect(await s.tick()).toBeNull(); // not due yet
    const written = [first!];
    for (let i = 0; i < 2; i++) {
      age(2);
      await Bun.sleep(5);
      written.push((await s.tick())!);
    }
    expect(readdirSync(dir).sort()).toEqual(written.slice(1).map((f) => f.split("/").at(-1)!));
    expect(lines.filter((l) => l.msg === "scheduled backup written")).toHaveLength(3);
  } finally {
    await s.stop();
  }
});

test("no room: logged, no archive, and not retried before another `every`", async () => {
  const lines: { msg: string }[] = [];
  const log = pino({ level: "info" }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  const s = startScheduledBackups({ db: t.db, dataDir: t.dataDir, everyMs: 3 * HOUR, keep: 2, disk: diskSpace(t.dataDir, 64, () => 1024), log });
  try {
    const now = Date.now() + 10 * HOUR; // every existing archive is old enough
    expect(await s.tick(now)).toBeNull();
    expect(lines.map((l) => l.msg)).toEqual(["scheduled backup skipped: no room in data_dir"]);
    expect(await s.tick(now + HOUR)).toBeNull();
    expect(lines).toHaveLength(1); // waited: the next try is one `every` after the failure
    await s.tick(now + 3 * HOUR);
    expect(lines).toHaveLength(2);
  } finally {
    await s.stop();
  }
});
