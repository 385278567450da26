/**
 * Retention of stored files and memories on both databases, two tenants: A keeps files and memories
 * 30 days, B has no setting (kept forever). A's old attachment rows go and so does every blob no
 * remaining row names (a blob an old and a fresh row share stays); A's old memories go; B keeps all.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import pino from "pino";
import { DB_KINDS, openTestDatabase, type TestDatabase, tempDir } from "../../test/support/db.ts";
import { seedTwoTenants, type TwoTenants } from "../../test/support/two-tenants.ts";
import { validate } from "../config/load.ts";
import { attachments, memories } from "../db/schema/index.ts";
import { rowsOf } from "../db/set-sql.ts";
import { AttachmentStore } from "../media/attachments.ts";
import { DirBlobStore, sha256Of } from "../media/store.ts";
import { runRetention } from "./job.ts";

const log = pino({ level: "silent" });
const ago = (days: number) => new Date(Date.now() - days * 86_400_000);
const bytes = (n: number) => new Uint8Array([0xff, 0xd8, 0xff, n, n, n]);

describe.each(DB_KINDS)("file and memory retention on %s Postgres", (kind) => {
  let t: TestDatabase;
  let ids: TwoTenants;
  let store: AttachmentStore;
  const dir = tempDir("konstruct-ret-files-");
  const config = validate({ retention: { deliveries_days: 0, llm_calls_days: 0 }, tenants: [{ slug: "rf-a", name: "A", retention: { files_days: 30, memories_days: 30 } }] });
  const blob = (tenant: string, b: Uint8Array) => join(dir.path, "attachments", tenant, sha256Of(b).slice(0, 2), sha256Of(b));

  async function seed(tenantId: string, agentId: string): Promise<void> {
    const keep = async (b: Uint8Array, age: number) => {
      const row = await store.keep(tenantId, { name: "r.jpg", mime: "image/jpeg", kind: "image" }, b);
      await t.db.withTenant(tenantId, (tx) => tx.update(attachments).set({ createdAt: ago(age) }).where(eq(attachments.id, row.id)));
    };
    for (let i = 0; i < 7; i++) await keep(bytes(i), 100); // more than one batch of 5
    await keep(bytes(50), 100);
    await keep(bytes(50), 1); // the same bytes, sent again recently: the blob must stay
    await keep(bytes(60), 1);
    await t.db.withTenant(tenantId, (tx) =>
      tx.insert(memories).values([
        ...[0, 1, 2, 3, 4, 5].map((i) => ({ tenantId, agentId, kind: "fact", content: `old ${i}`, contentHash: `old${i}`, createdAt: ago(100) })),
        { tenantId, agentId, kind: "fact", content: "fresh", contentHash: "fresh" },
      ]),
    );
  }

  const count = (tenantId: string) => t.db.withTenant(tenantId, async (tx) => ({ files: (await tx.select().from(attachments)).length, memories: (await tx.select().from(memories)).length }));

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    ids = await seedTwoTenants(t.db, "rf");
    store = new AttachmentStore(t.db, new DirBlobStore(dir.path));
    for (const k of ["A", "B"] as const) await seed(ids[k].tenant, ids[k].agent);
  }, 60_000);
  afterAll(async () => {
    await t.cleanup();
    dir.remove();
  });

  test("A's old files (rows and unshared blobs) and old memories go; B's stay", async () => {
    const run = await runRetention({ db: t.db, config, log, attachments: store }, "2026-02-01", { batch: 5 });
    expect(run).toMatchObject({ ran: true, tenants: 2, deleted: 8 + 6 });
    expect(await count(ids.A.tenant)).toEqual({ files: 2, memories: 1 });
    expect(await count(ids.B.tenant)).toEqual({ files: 10, memories: 7 });
    for (let i = 0; i < 7; i++) {
      expect(existsSync(blob(ids.A.tenant, bytes(i)))).toBe(false);
      expect(existsSync(blob(ids.B.tenant, bytes(i)))).toBe(true);
    }
    expect(existsSync(blob(ids.A.tenant, bytes(50)))).toBe(true);
    expect(existsSync(blob(ids.A.tenant, bytes(60)))).toBe(true);
    const [summary] = await t.db.withTenant(ids.A.tenant, (tx) => rowsOf<{ data: { counts: Record<string, number> } }>(tx, sql`select data from audit_log where kind = 'retention.purge'`));
    expect(summary!.data.counts).toMatchObject({ attachments: 8, memories: 6 });
  });

  test("without a store, file rows are left alone (no row deleted without its blob)", async () => {
    await store.keep(ids.A.tenant, { name: "x.jpg", mime: "image/jpeg", kind: "image" }, bytes(99));
    await t.db.withTenant(ids.A.tenant, (tx) => tx.update(attachments).set({ createdAt: ago(100) }));
    expect(await runRetention({ db: t.db, config, log }, "2026-02-02", { batch: 5 })).toMatchObject({ ran: true, deleted: 0 });
    expect((await count(ids.A.tenant)).files).toBe(3);
  });
});
