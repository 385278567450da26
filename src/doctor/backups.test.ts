import { afterAll, expect, test } from "bun:test";
import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../../test/support/db.ts";
import { validate } from "../config/load.ts";
import { backupsCheck } from "./backups.ts";

const dir = tempDir("konstruct-doctor-backups-");
afterAll(() => dir.remove());
const HOUR = 3_600_000;

function archive(name: string, hoursAgo: number): void {
  mkdirSync(join(dir.path, "backups"), { recursive: true });
  const file = join(dir.path, "backups", name);
  writeFileSync(file, "x");
  const at = new Date(Date.now() - hoursAgo * HOUR);
  utimesSync(file, at, at);
}

test("external database: no line; none yet: a warning saying what to do", () => {
  expect(backupsCheck(validate({ data_dir: dir.path, database: { url: "postgres://x@127.0.0.1/y" } }))).toBeNull();
  expect(backupsCheck(validate({ data_dir: dir.path }))).toMatchObject({ status: "warn", detail: expect.stringContaining("take one with 'konstruct backup'") });
});

test("the newest archive and its age; scheduled but stale is a warning", () => {
  archive("pre-upgrade-2026-01-01T00-00-00-000Z-after-20.tar.gz", 30);
  expect(backupsCheck(validate({ data_dir: dir.path }))).toMatchObject({ status: "ok", detail: expect.stringMatching(/^newest pre-upgrade-.*, 30\.0 h old; not scheduled/) });
  archive("scheduled-2026-01-02T00-00-00-000Z.tar.gz", 3);
  expect(backupsCheck(validate({ data_dir: dir.path, backup: { every_hours: 24 } }))).toMatchObject({ status: "ok", detail: expect.stringContaining("scheduled-2026-01-02") });
  expect(backupsCheck(validate({ data_dir: dir.path, backup: { every_hours: 1 } }))).toMatchObject({ status: "warn", detail: expect.stringContaining("scheduled every 1 h") });
});
