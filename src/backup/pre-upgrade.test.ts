/**
 * The pre-upgrade backup on a real PGlite database with two tenants: taken only when migrations are
 * pending on a schema that has some, verifiable, without the key, the newest `keep` kept; refused up
 * front when data_dir has no room (the start stops instead of migrating without a way back).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import { cli, config, configFile, readBack, seed } from "../../test/support/backup.ts";
import { embeddedDataDir, openTestDatabase, tempDir, type TestDatabase } from "../../test/support/db.ts";
import { seedTwoTenants } from "../../test/support/two-tenants.ts";
import { diskSpace } from "../db/disk-space.ts";
import { createApp } from "../app/create-app.ts";
import { validate } from "../config/load.ts";
import { knownMigrations, type MigrationStatus, migrationStatus } from "../db/migrate.ts";
import { preUpgradeBackup } from "./pre-upgrade.ts";
import { unpackArchive } from "./unpack.ts";

const log = pino({ level: "silent" });

describe("pre-upgrade backup (embedded)", () => {
  let t: TestDatabase;
  let current: MigrationStatus;
  beforeAll(async () => {
    t = await openTestDatabase("embedded");
    await seedTwoTenants(t.db, "pre");
    current = await migrationStatus(t.db.driver.raw);
  });
  afterAll(() => t.cleanup());
  const run = (status: MigrationStatus, free = Number.POSITIVE_INFINITY) =>
    preUpgradeBackup({ db: t.db, dataDir: t.dataDir, status, keep: 2, disk: diskSpace(t.dataDir, 64, () => free), log });

  test("nothing pending, or a schema with nothing applied: no backup", async () => {
    expect(current.pending).toEqual([]);
    expect(await run(current)).toBeNull();
    expect(await run({ ...current, applied: 0, pending: ["0000_init"] })).toBeNull();
  });

  test("pending migrations on a schema with data: a verified archive without the key, the newest 2 kept", async () => {
    const upgrade = { ...current, pending: ["9999_next"] };
    const files: string[] = [];
    for (let i = 0; i < 3; i++) {
      files.push((await run(upgrade))!);
      await Bun.sleep(5);
    }
    const kept = readdirSync(join(t.dataDir, "backups")).sort();
    expect(kept).toEqual(files.slice(1).map((f) => f.split("/").at(-1)!));
    const m = await unpackArchive(files[2]!, null, Number.POSITIVE_INFINITY);
    expect(m.includes_key).toBe(false);
    expect(m.schema.migrations.length).toBe(current.applied);
    expect(m.parts.map((p) => p.name)).toContain("db/pgdata.tar");
  });

  test("no room for it: refused with what to do", async () => {
    await expect(run({ ...current, pending: ["9999_next"] }, 1024)).rejects.toThrow(/no room for the pre-upgrade backup.*backup\.pre_upgrade: false/);
  });
});

test("serve takes the backup before migrating a database with data, logs it, migrates; the older build refuses naming that backup, and restoring it goes back", async () => {
  const dir = await embeddedDataDir();
  try {
    const cfg = validate(config(dir.path));
    const first = createApp(cfg, { log, listen: false });
    await first.start();
    await seed(first, 2);
    await first.stop();
    const lines: { msg: string; file?: string }[] = [];
    const capture = pino({ level: "info" }, { write: (s: string) => void lines.push(JSON.parse(s)) });
    const next = { idx: 9999, tag: "9999_upgrade_probe", hash: "probe", statements: ["create table upgrade_probe (id int)"] };
    const upgraded = createApp(cfg, { log: capture, listen: false, migrations: [...knownMigrations(), next] });
    await upgraded.start();
    try {
      const [file] = readdirSync(join(dir.path, "backups"));
      expect(file).toMatch(/^pre-upgrade-.*\.tar\.gz$/);
      expect(lines.find((l) => l.msg === "pre-upgrade backup written")?.file).toBe(join(dir.path, "backups", file!));
      // Taken before the migration ran: its schema level lacks the new one, which is now applied.
      const m = await unpackArchive(join(dir.path, "backups", file!), null, Number.POSITIVE_INFINITY);
      expect(m.schema.migrations).not.toContain("9999_upgrade_probe");
      expect(lines.find((l) => l.msg === "migrations applied")).toBeDefined();
      expect((await readBack(upgraded)).acme!.messages).toBe(2);
    } finally {
      await upgraded.stop();
    }
    // The older build (without 9999) refuses the newer schema and names the way back.
    const older = createApp(cfg, { log, listen: false });
    const [file] = readdirSync(join(dir.path, "backups"));
    await expect(older.start()).rejects.toThrow(`database schema is newer than this konstruct (unknown migrations: 9999_upgrade_probe); run the newer version, or go back to this version's data: konstruct restore --force ${join(dir.path, "backups", file!)}`);
    // Doing what it says brings the older version back with the data.
    const work = tempDir("konstruct-downgrade-");
    try {
      const r = await cli("restore", "--force", join(dir.path, "backups", file!), "-c", configFile(work.path, dir.path));
      expect([r.code, r.err]).toEqual([0, ""]);
      const back = createApp(cfg, { log, listen: false });
      await back.start();
      expect((await readBack(back)).globex!.messages).toBe(2);
      await back.stop();
    } finally {
      work.remove();
    }
  } finally {
    dir.remove();
  }
});
