/** GET /readyz: readiness — the database answers and its schema is exactly this build's. */
import { Elysia } from "elysia";
import type { Database } from "../../db/database.ts";
import { migrationStatus } from "../../db/migrate.ts";

export const readyz = (deps: { db: () => Database | null }) =>
  new Elysia().get("/readyz", async ({ set }) => {
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
