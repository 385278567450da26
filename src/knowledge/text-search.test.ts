/**
 * The full-text side of hybrid search (konstruct_kb_text_search, migration 0054) is a SECURITY
 * DEFINER function: it reads kb_chunks past RLS so it can use the GIN index, and applies the tenant
 * itself. Two tenants hold the same words; each must only ever get its own chunks — on the sampled
 * path and on the GIN path (a rare word beyond the sample) — with the tenant taken from the session,
 * never from the caller. And the rare word's passage is found in a tenant where hundreds of chunks
 * match the query's common words (the old bounded scan missed it).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { tenants } from "../db/schema/index.ts";
import { rowsOf } from "../db/set-sql.ts";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";

/** More than the function's sample (300), so a word in the last chunk is only found through GIN. */
const FILLER = 400;

describe.each(DB_KINDS)("full-text search on %s Postgres", (kind) => {
  let t: TestDatabase;
  const ids: Record<string, { doc: string; rare: string; only: string }> = {};
  let A = "";
  let B = "";

  const search = (tenant: string, q: string, docs: string[] | null = null) =>
    t.db.withTenant(tenant, (tx) =>
      rowsOf<{ id: string }>(tx, sql`select id from konstruct_kb_text_search(${q}, ${docs ? `{${docs.join(",")}}` : null}::uuid[], 20)`),
    ).then((r) => r.map((x) => x.id));
  /** Which tenant owns each id, read as the owner (past RLS). */
  const owners = async (list: string[]) =>
    list.length ? (await t.db.driver.raw.query<{ tenant_id: string }>("select tenant_id from kb_chunks where id = any($1::uuid[])", [list])).map((r) => r.tenant_id) : [];

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    [A, B] = (await t.db.platform((tx) => tx.insert(tenants).values([{ slug: "acme", name: "Acme" }, { slug: "globex", name: "Globex" }]).returning({ id: tenants.id }))).map((r) => r.id) as [string, string];
    for (const [tenant, own] of [[A, "ambervale"], [B, "zyxwarble"]] as const) {
      ids[tenant] = await t.db.withTenant(tenant, async (tx) => {
        const [doc] = await rowsOf<{ id: string }>(tx, sql`insert into kb_documents (tenant_id, title, filename, mime, content_hash, bytes, body, status)
          values (${tenant}::uuid, 'Minutes', 'minutes.md', 'text/markdown', 'h', 0, '', 'ready') returning id`);
        await rowsOf(tx, sql`insert into kb_chunks (tenant_id, document_id, seq, section, content)
          select ${tenant}::uuid, ${doc!.id}::uuid, g, 'Minutes', 'The committee reviewed the annual budget report, item ' || g from generate_series(1, ${FILLER}) g`);
        // Written last: beyond the sample, so found only through the GIN index. Both tenants have "quorvant".
        const [rare] = await rowsOf<{ id: string }>(tx, sql`insert into kb_chunks (tenant_id, document_id, seq, section, content)
          values (${tenant}::uuid, ${doc!.id}::uuid, ${FILLER + 1}, 'Calibration', 'Quorvant calibration of the budget scales') returning id`);
        const [only] = await rowsOf<{ id: string }>(tx, sql`insert into kb_chunks (tenant_id, document_id, seq, section, content)
          values (${tenant}::uuid, ${doc!.id}::uuid, ${FILLER + 2}, 'Notes', ${`The ${own} procedure`}) returning id`);
        return { doc: doc!.id, rare: rare!.id, only: only!.id };
      });
    }
  });
  afterAll(() => t.cleanup());

  test("a rare word's passage comes first even where hundreds of chunks match the common words", async () => {
    for (const tenant of [A, B]) {
      const found = await search(tenant, "quorvant budget report");
      expect(found[0]).toBe(ids[tenant]!.rare);
      expect(found).toHaveLength(20);
    }
  });

  test("each tenant gets only its own chunks, on the sampled and on the index path", async () => {
    for (const [tenant, other] of [[A, B], [B, A]] as const) {
      for (const q of ["quorvant budget report", "committee annual budget", "zyxwarble ambervale procedure"]) {
        const found = await search(tenant, q);
        expect(found.length).toBeGreaterThan(0);
        expect(new Set(await owners(found))).toEqual(new Set([tenant]));
      }
      expect(await search(tenant, "zyxwarble ambervale")).toEqual([ids[tenant]!.only]);
      // A scope naming the other tenant's document narrows to nothing; it never widens.
      expect(await search(tenant, "quorvant budget", [ids[other]!.doc])).toEqual([]);
    }
  });

  test("the tenant comes from the session: none set, nothing found; the platform role may not call it", async () => {
    const none = await t.db.withTenant(A, async (tx) => {
      await rowsOf(tx, sql`select set_config('app.tenant_id', '', true)`);
      return rowsOf(tx, sql`select id from konstruct_kb_text_search('quorvant budget', null, 20)`);
    });
    expect(none).toEqual([]);
    expect(t.db.platform((tx) => rowsOf(tx, sql`select id from konstruct_kb_text_search('quorvant', null, 20)`))).rejects.toThrow(/permission denied/);
  });
});
