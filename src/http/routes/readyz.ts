/**
 * GET /readyz: readiness — data_dir has its minimum free space (disk.min_free_mb; statfs cached ≤ 1 s,
 * checked first because it is cheapest), the database answers, and its schema is exactly this build's.
 */
import { Elysia } from "elysia";
import type { Database } from "../../db/database.ts";
import type { DiskSpace } from "../../db/disk-space.ts";
import { migrationStatus } from "../../db/migrate.ts";

export const readyz = (deps: { db: () => Database | null; disk: DiskSpace }) =>
  new Elysia().get("/readyz", async ({ set }) => {
    const full = deps.disk.shortage();
    if (full) return ((set.status = 503), { status: "disk full", reason: full, min_free_mb: deps.disk.minFreeMb });
    const db = deps.db();
    if (!db) return ((set.status = 503), { status: "starting" });
    try {
      const s = await migrationStatus(db.driver.raw);
      const current = s.pending.length === 0 && s.unknown.length === 0 && s.mismatched.length === 0;
      if (!current) return ((set.status = 503), { status: "schema not current", pending: s.pending, unknown: s.unknown });
      return { status: "ready", database: db.mode };
    } catch (e) {
      set.status = 503;
      return { status: "database unreachable", error: (e as Error).message };
    }
  });
