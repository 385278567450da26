/**
 * The idle budget: an appliance started with nothing to do does not load the job engine (pg-boss),
 * although embedding, fact extraction and approval expiry run on it; the first piece of work does
 * (here a document stored in the knowledge base), on both databases.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { rowsOf } from "../db/set-sql.ts";
import { startTestApp, type TestApp } from "../../test/support/app.ts";
import { DB_KINDS } from "../../test/support/db.ts";
import { EMBEDDINGS_CONFIG } from "../../test/support/models.ts";

describe.each(DB_KINDS)("job engine at start on %s Postgres", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { ...EMBEDDINGS_CONFIG, tenants: [{ slug: "acme", name: "Acme" }] });
  });
  afterAll(() => t.cleanup());

  test("nothing to do: not loaded; the first document loads it, and a restart with nothing left does not", async () => {
    expect(t.app.jobs.running).toBe(false);
    const [{ id }] = (await t.app.db.platform((tx) => rowsOf<{ id: string }>(tx, sql`select id from tenants where slug = 'acme'`))) as [{ id: string }];
    await t.app.semantic.knowledge.upload(id, { filename: "a.md", mime: "text/markdown", bytes: new TextEncoder().encode("# A\n\n## One\n\nThe first rule is to be kind.") });
    expect(t.app.jobs.running).toBe(true);
    await t.app.semantic.jobs.drained();
    await t.restart();
    expect(t.app.jobs.running).toBe(false);
  }, 60_000);
});
