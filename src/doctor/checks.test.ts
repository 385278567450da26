import { expect, test } from "bun:test";
import { validate } from "../config/load.ts";
import { migrate } from "../db/migrate.ts";
import { openDatabase } from "../db/database.ts";
import { createExternalDatabase, REDIS_URL, tempDir } from "../../test/support/db.ts";
import { runChecks } from "./checks.ts";

test("doctor on external Postgres without pgvector: says so and what it means; isolation verified", async () => {
  const ext = await createExternalDatabase();
  const dir = tempDir();
  try {
    const config = validate({ data_dir: dir.path, database: { url: ext.url }, redis: { url: REDIS_URL } });
    const before = await runChecks(config, "/etc/x.yaml");
    expect(before.find((c) => c.name === "migrations")).toMatchObject({ status: "warn" });
    const db = await openDatabase({ url: ext.url, dataDir: dir.path, poolSize: 1, connectAttempts: 1 });
    await migrate(db.driver.raw);
    await db.close();
    const checks = Object.fromEntries((await runChecks(config, "/etc/x.yaml")).map((c) => [c.name, c]));
    expect(checks.config!.detail).toBe("/etc/x.yaml");
    expect(checks.database).toMatchObject({ status: "ok" });
    expect(checks.database!.detail).toMatch(/external postgres:\/\/root@127\.0\.0\.1:5432\/kt_\w+, PostgreSQL 15/);
    // Debian's PostgreSQL 15 ships no pgvector; if this machine ever gains it, the check says "ok".
    const vector = checks.pgvector!;
    if (vector.status === "warn") expect(vector.detail).toContain("exact scan");
    else expect(vector.detail).toContain("HNSW");
    expect(checks.migrations).toMatchObject({ status: "ok" });
    expect(checks["tenant isolation"]).toMatchObject({ status: "ok" });
    expect(checks.secrets).toMatchObject({ status: "warn" });
    expect(checks.redis).toMatchObject({ status: "ok" });
  } finally {
    await ext.drop();
    dir.remove();
  }
});

test("doctor fails on an unreachable database and names it", async () => {
  const config = validate({ database: { url: "postgres://u:pw@127.0.0.1:1/x" } });
  const db = (await runChecks(config, null)).find((c) => c.name === "database")!;
  expect(db.status).toBe("fail");
  expect(db.detail).toContain("postgres://u:[redacted]@127.0.0.1:1/x");
  expect(db.detail).not.toContain("pw");
});
