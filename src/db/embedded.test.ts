import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { embeddedAssetsInfo, openEmbeddedPglite } from "./embedded.ts";

// One initdb (~3 s) shared by the whole file; the cache dir lands inside root too.
const root = mkdtempSync(join(tmpdir(), "konstruct-pglite-"));
const dataDir = join(root, "nested", "pgdata");
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("embedded PGlite", () => {
  test("pgvector + HNSW nearest neighbour, persisted across reopen", async () => {
    const db = await openEmbeddedPglite(dataDir);
    try {
      await db.exec(`
        CREATE EXTENSION IF NOT EXISTS vector;
        CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL, embedding vector(3) NOT NULL);
        CREATE INDEX items_embedding_hnsw ON items USING hnsw (embedding vector_cosine_ops);
        INSERT INTO items VALUES
          (1, 'x', '[1,0,0]'), (2, 'y', '[0,1,0]'), (3, 'z', '[0,0,1]'), (4, 'xy', '[0.7,0.7,0]');
      `);
      const settings = await db.query<{ shared_buffers: string }>("SHOW shared_buffers");
      expect(settings.rows[0]?.shared_buffers).toBe("4MB");
    } finally {
      await db.close();
    }

    const again = await openEmbeddedPglite(dataDir);
    try {
      // Force the planner onto the index so the test proves HNSW works, not just a seq scan.
      await again.exec("SET enable_seqscan = off");
      const sql = "SELECT label FROM items ORDER BY embedding <=> $1::vector LIMIT 2";
      const plan = await again.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql}`, ["[0.9,0.1,0]"]);
      expect(plan.rows.map((r) => r["QUERY PLAN"]).join("\n")).toContain("items_embedding_hnsw");
      const nn = await again.query<{ label: string }>(sql, ["[0.9,0.1,0]"]);
      expect(nn.rows.map((r) => r.label)).toEqual(["x", "xy"]);
      const ext = await again.query<{ extversion: string }>(
        "SELECT extversion FROM pg_extension WHERE extname = 'vector'",
      );
      expect(ext.rows[0]?.extversion).toMatch(/^\d+\.\d+/);
    } finally {
      await again.close();
    }
  });

  test("FORCE row level security filters rows for an unprivileged role", async () => {
    const db = await openEmbeddedPglite(dataDir);
    try {
      await db.exec(`
        CREATE ROLE app_user NOLOGIN;
        CREATE TABLE notes (id serial PRIMARY KEY, tenant_id text NOT NULL, body text NOT NULL);
        ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
        ALTER TABLE notes FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_isolation ON notes
          USING (tenant_id = current_setting('app.tenant_id', true))
          WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
        GRANT SELECT, INSERT ON notes TO app_user;
        GRANT USAGE ON SEQUENCE notes_id_seq TO app_user;
        INSERT INTO notes (tenant_id, body) VALUES ('a', 'a1'), ('a', 'a2'), ('b', 'b1');
      `);
      // Superusers bypass RLS even with FORCE, so this count proves nothing on its own.
      const all = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM notes");
      expect(all.rows[0]?.n).toBe(3);

      const asTenant = (tenant: string, sql: string) =>
        db.transaction(async (tx) => {
          await tx.query("SELECT set_config('app.tenant_id', $1, true)", [tenant]);
          await tx.exec("SET LOCAL ROLE app_user");
          return tx.query<{ body: string }>(sql);
        });

      const a = await asTenant("a", "SELECT body FROM notes ORDER BY body");
      expect(a.rows.map((r) => r.body)).toEqual(["a1", "a2"]);
      const b = await asTenant("b", "SELECT body FROM notes ORDER BY body");
      expect(b.rows.map((r) => r.body)).toEqual(["b1"]);
      const none = await asTenant("c", "SELECT body FROM notes");
      expect(none.rows).toEqual([]);
      // WITH CHECK stops a tenant from writing into another tenant's rows.
      await expect(asTenant("a", "INSERT INTO notes (tenant_id, body) VALUES ('b', 'sneaky')")).rejects.toThrow(
        /row-level security/,
      );
      // SET LOCAL ends with the transaction: the connection is back to the owner role.
      const who = await db.query<{ u: string }>("SELECT current_user AS u");
      expect(who.rows[0]?.u).not.toBe("app_user");
    } finally {
      await db.close();
    }
  });

  test("embeddedAssetsInfo reports every asset with its size", () => {
    const info = embeddedAssetsInfo();
    expect(info.standalone).toBe(false);
    for (const asset of Object.values(info.assets)) expect(asset.bytes).toBeGreaterThan(0);
  });
});
