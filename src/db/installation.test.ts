/**
 * The deployment's identity (db/installation.ts), on both databases: every replica of one database
 * reads the same id — also when they start at the same moment — and two databases (here, copies of
 * one migrated template) have different ids, so their Redis keys never meet.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { installationId, redisNamespace } from "./installation.ts";

describe.each(DB_KINDS)("installation id (%s)", (kind) => {
  let a: TestDatabase;
  let b: TestDatabase;
  beforeAll(async () => {
    a = await openTestDatabase(kind);
    b = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await a.cleanup();
    await b.cleanup();
  });

  test("one id per database, the same for every caller, made once", async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, () => installationId(a.db)));
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(await installationId(a.db)).toBe(ids[0]!);
    const other = await installationId(b.db);
    expect(other).not.toBe(ids[0]);
    expect(redisNamespace(ids[0]!)).toBe(`konstruct:${ids[0]}:`);
  });
});
