/**
 * External Postgres: `konstruct backup` runs pg_dump (custom format) and `konstruct restore` runs
 * pg_restore into an empty database; the app on the restored database serves the same tenants and
 * opens their sealed secrets. A database that already holds a schema needs --force, and without
 * pg_dump on PATH the backup says what to do instead.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { cli, configFile, readBack, readFiles, seed, seedFiles, started } from "../../test/support/backup.ts";
import { createExternalDatabase, tempDir } from "../../test/support/db.ts";

describe("backup and restore, external Postgres", () => {
  const work = tempDir("konstruct-backup-ext-");
  let source: Awaited<ReturnType<typeof createExternalDatabase>>;
  let target: Awaited<ReturnType<typeof createExternalDatabase>>;
  const archive = join(work.path, "ext.tar.gz");
  const sourceDir = join(work.path, "source");
  beforeAll(async () => {
    [source, target] = await Promise.all([createExternalDatabase(), createExternalDatabase()]);
    const app = await started(sourceDir, { url: source.url });
    await seed(app, 2);
    await seedFiles(app, sourceDir);
    await app.stop();
  });
  afterAll(async () => {
    await Promise.all([source.drop(), target.drop()]);
    work.remove();
  });

  test("pg_dump backup restores into an empty database and serves the same data", async () => {
    const b = await cli("backup", "-c", configFile(work.path, sourceDir, { database: { url: source.url } }), "--out", archive, "--include-key");
    expect([b.code, b.out]).toEqual([0, expect.stringContaining("external database")]);
    const targetDir = join(work.path, "target");
    const cfg = configFile(work.path, targetDir, { database: { url: target.url } });
    const r = await cli("restore", archive, "-c", cfg);
    expect([r.code, r.err]).toEqual([0, ""]);
    const app = await started(targetDir, { url: target.url, tenants: false });
    try {
      expect(await readBack(app)).toEqual({
        acme: { agent: "Ada of acme", secret: "acme-token-123", channel: "acme-channel", messages: 2 },
        globex: { agent: "Ada of globex", secret: "globex-token-123", channel: "globex-channel", messages: 2 },
      });
      expect(await readFiles(app, targetDir)).toEqual({ acme: ["acme receipt: taxi 38 EUR"], globex: ["globex receipt: taxi 38 EUR"] });
    } finally {
      await app.stop();
    }
    const again = await cli("restore", archive, "-c", configFile(work.path, join(work.path, "other"), { database: { url: target.url } }));
    expect([again.code, again.err]).toEqual([1, expect.stringContaining("already holds a konstruct schema")]);
  });

  test("a Postgres backup is not restored into the embedded database", async () => {
    const r = await cli("restore", archive, "-c", configFile(work.path, join(work.path, "emb")));
    expect([r.code, r.err]).toEqual([1, expect.stringContaining("it is a backup of an external database; set database.url to restore it into Postgres")]);
  });

  test("without pg_dump on PATH: one line saying what to use instead", async () => {
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      const r = await cli("backup", "-c", configFile(work.path, sourceDir, { database: { url: source.url } }), "--out", join(work.path, "none.tar.gz"));
      expect(r.code).toBe(1);
      expect(r.err).toContain("pg_dump is not on PATH");
      expect(r.err).toContain("back up the external database with its own tools");
    } finally {
      process.env.PATH = path;
    }
  });
});
