/**
 * Backup and restore on real PGlite, through the real CLI: a backup of an app with two tenants
 * restores into an empty data dir and serves the same data (sealed secrets open, the files people
 * sent open from data_dir/attachments); a backup taken
 * from a serving process (control socket, writes in flight) restores; tampered and newer-schema
 * archives are refused before anything is written; a non-empty data dir needs --force.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { rewriteArchive } from "../../test/support/backup-archive.ts";
import { cli, configFile, readBack, readFiles, seed, seedFiles, started } from "../../test/support/backup.ts";
import { embeddedDataDir, tempDir } from "../../test/support/db.ts";
import { unpackArchive } from "./unpack.ts";

describe("backup and restore, embedded database", () => {
  let work: { path: string; remove(): void };
  let source: { path: string; remove(): void };
  let archive: string;
  beforeAll(async () => {
    work = tempDir("konstruct-backup-");
    source = await embeddedDataDir();
    const app = await started(source.path);
    await seed(app, 3);
    await seedFiles(app, source.path);
    await app.stop();
    writeFileSync(join(source.path, "tenants-file-check"), "x"); // not a backed-up name: must stay out
    for (const dir of ["skills/shared-skill", "tenants/acme/skills/own-skill"]) {
      mkdirSync(join(source.path, dir), { recursive: true });
      writeFileSync(join(source.path, dir, "SKILL.md"), `---\nname: ${dir.split("/").at(-1)}\n---\n`);
    }
    archive = join(work.path, "a.tar.gz");
    const r = await cli("backup", "-c", configFile(work.path, source.path), "--out", archive, "--include-key");
    expect(r.err).toContain("includes the master key");
    expect([r.code, r.out]).toEqual([0, expect.stringContaining("master key included")]);
  });
  afterAll(() => {
    source.remove();
    work.remove();
  });

  test("restores into an empty data dir; the app serves the same tenants, agents, messages and opens sealed secrets", async () => {
    const target = join(work.path, "restored");
    const r = await cli("restore", archive, "-c", configFile(work.path, target));
    expect([r.code, r.err]).toEqual([0, ""]);
    expect(readdirSync(target).sort()).toEqual(expect.arrayContaining(["attachments", "instance-id", "pg", "secret.key", "skills", "tenants"]));
    expect(existsSync(join(target, "tenants-file-check"))).toBe(false);
    for (const file of ["skills/shared-skill/SKILL.md", "tenants/acme/skills/own-skill/SKILL.md"])
      expect(readFileSync(join(target, file), "utf8")).toBe(readFileSync(join(source.path, file), "utf8"));
    expect(readFileSync(join(target, "secret.key"), "utf8")).toBe(readFileSync(join(source.path, "secret.key"), "utf8"));
    // No tenants in this config: everything below comes from the archive.
    const app = await started(target, { tenants: false });
    try {
      expect(await readBack(app)).toEqual({
        acme: { agent: "Ada of acme", secret: "acme-token-123", channel: "acme-channel", messages: 3 },
        globex: { agent: "Ada of globex", secret: "globex-token-123", channel: "globex-channel", messages: 3 },
      });
      // The files people sent came back with their rows: each tenant opens its own bytes.
      expect(await readFiles(app, target)).toEqual({ acme: ["acme receipt: taxi 38 EUR"], globex: ["globex receipt: taxi 38 EUR"] });
    } finally {
      await app.stop();
    }
  });

  test("without --include-key the key stays out, and restore says the secrets need it", async () => {
    const bare = join(work.path, "bare.tar.gz");
    expect((await cli("backup", "-c", configFile(work.path, source.path), "--out", bare)).code).toBe(0);
    const m = await unpackArchive(bare, null, Infinity);
    expect(m.includes_key).toBe(false);
    expect(m.parts.map((p) => p.name)).not.toContain("files/secret.key");
    const r = await cli("restore", bare, "-c", configFile(work.path, join(work.path, "bare")));
    expect(r.code).toBe(0);
    expect(r.err).toContain("this backup has no master key");
  });

  test("a tampered archive is refused before anything is written", async () => {
    const tampered = join(work.path, "tampered.tar.gz");
    await rewriteArchive(archive, tampered, (name, data) => {
      if (name === "db/pgdata.tar") data[data.length >> 1] = data[data.length >> 1]! ^ 1;
      return data;
    });
    const target = join(work.path, "tampered");
    const r = await cli("restore", tampered, "-c", configFile(work.path, target));
    expect(r.code).toBe(1);
    expect(r.err).toContain("part db/pgdata.tar does not match its checksum");
    expect(readdirSync(target)).toEqual([]);
    // A truncated file (the manifest is last) is refused too.
    const truncated = join(work.path, "truncated.tar.gz");
    writeFileSync(truncated, readFileSync(archive).subarray(0, 4096));
    expect((await cli("restore", truncated, "-c", configFile(work.path, target))).err).toContain("backup refused");
  });

  test("a backup of a newer schema is refused", async () => {
    const newer = join(work.path, "newer.tar.gz");
    await rewriteArchive(archive, newer, (name, data) => {
      if (name !== "manifest.json") return data;
      const m = JSON.parse(data.toString());
      m.schema.migrations.push("9999_from_the_future");
      return Buffer.from(JSON.stringify(m));
    });
    const r = await cli("restore", newer, "-c", configFile(work.path, join(work.path, "newer")));
    expect(r.code).toBe(1);
    expect(r.err).toContain("newer schema than this konstruct knows (unknown migrations: 9999_from_the_future)");
    expect(existsSync(join(work.path, "newer", "pg"))).toBe(false);
  });

  test("a non-empty data dir is refused without --force; with it, what was there is moved aside", async () => {
    const target = join(work.path, "occupied");
    const cfg = configFile(work.path, target);
    expect((await cli("restore", archive, "-c", cfg)).code).toBe(0);
    const refused = await cli("restore", archive, "-c", cfg);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("is not empty");
    const forced = await cli("restore", archive, "-c", cfg, "--force");
    expect(forced.code).toBe(0);
    const [aside] = readdirSync(join(target, "backups"));
    expect(readdirSync(join(target, "backups", aside!)).sort()).toEqual(["attachments", "instance-id", "pg", "secret.key", "skills", "tenants"]);
    expect(existsSync(join(target, "pg", "PG_VERSION"))).toBe(true);
  });
});
