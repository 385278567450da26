import { afterAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { createExternalDatabase, DB_KINDS, openTestDatabase, PG_URL } from "../../test/support/db.ts";
import { KonstructError } from "../errors.ts";
import { openDatabase } from "./database.ts";
import { assertCompatible, migrate, migrationStatus } from "./migrate.ts";
import { embeddedMigrations } from "./migrations-embed.ts" with { type: "macro" };
import { agents, channels, tenants } from "./schema/index.ts";

const ALL = embeddedMigrations().map((m) => m.tag);

describe.each(DB_KINDS)("migrations on %s Postgres", (kind) => {
  test("apply once, then nothing; concurrent runs apply each migration exactly once", async () => {
    const t = await openTestDatabase(kind, { migrate: false });
    try {
      expect((await migrationStatus(t.db.driver.raw)).pending).toEqual(ALL);
      const [a, b] = await Promise.all([migrate(t.db.driver.raw), migrate(t.db.driver.raw)]);
      expect([...a!, ...b!].sort()).toEqual(ALL);
      expect(await migrate(t.db.driver.raw)).toEqual([]);
      const s = await migrationStatus(t.db.driver.raw);
      expect(s).toMatchObject({ applied: ALL.length, pending: [], unknown: [], mismatched: [] });
    } finally {
      await t.cleanup();
    }
  }, 60_000); // every migration on a fresh database, twice: seconds on a loaded machine

  test("a schema newer than this build is refused, not touched", async () => {
    const t = await openTestDatabase(kind);
    try {
      await t.db.driver.raw.query("insert into konstruct_schema_migrations (idx, tag, hash) values (999, '0999_future', 'x')");
      const err = await migrate(t.db.driver.raw).catch((e) => e);
      expect(err).toBeInstanceOf(KonstructError);
      expect(err.code).toBe("schema_newer");
      expect(err.message).toContain("0999_future");
    } finally {
      await t.cleanup();
    }
  });

  test("an applied migration whose SQL changed is refused", async () => {
    const t = await openTestDatabase(kind);
    try {
      await t.db.driver.raw.query("update konstruct_schema_migrations set hash = 'edited' where idx = 0");
      expect(() => assertCompatible({ applied: 2, known: 2, pending: [], unknown: [], mismatched: ["0000_init"] })).toThrow(/differ/);
      expect((await migrationStatus(t.db.driver.raw)).mismatched).toEqual([ALL[0]!]);
    } finally {
      await t.cleanup();
    }
  });

  test("a failing migration leaves nothing half-applied", async () => {
    const t = await openTestDatabase(kind, { migrate: false });
    try {
      const broken = [
        { idx: 0, tag: "0000_ok", hash: "a", statements: ["create table half_done (id int)"] },
        { idx: 1, tag: "0001_broken", hash: "b", statements: ["select * from no_such_table"] },
      ];
      await expect(migrate(t.db.driver.raw, broken)).rejects.toThrow(/no_such_table/);
      const [row] = await t.db.driver.raw.query<{ t: string | null }>("select to_regclass('half_done')::text as t");
      expect(row!.t).toBeNull();
    } finally {
      await t.cleanup();
    }
  });
});

describe("external Postgres with a non-superuser owner", () => {
  const role = `kt_owner_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
  afterAll(async () => {
    await admin.unsafe(`drop role if exists ${role}`);
    await admin.end();
  });

  test("two replicas migrate together as a CREATEROLE (not superuser) owner and isolation holds", async () => {
    await admin.unsafe(`create role ${role} login createrole nosuperuser nobypassrls`);
    const ext = await createExternalDatabase(role);
    const open = () => openDatabase({ url: ext.url, dataDir: "/nonexistent", poolSize: 2, connectAttempts: 1 });
    const [r1, r2] = await Promise.all([open(), open()]);
    try {
      const applied = await Promise.all([migrate(r1.driver.raw), migrate(r2.driver.raw)]);
      expect(applied.flat().sort()).toEqual(ALL);
      const [id] = await r1.platform((tx) => tx.insert(tenants).values({ slug: "t1", name: "T1" }).returning({ id: tenants.id }));
      const other = await r2.platform((tx) => tx.insert(tenants).values({ slug: "t2", name: "T2" }).returning({ id: tenants.id }));
      const visible = await r2.withTenant(id!.id, (tx) => tx.select({ slug: tenants.slug }).from(tenants));
      expect(visible).toEqual([{ slug: "t1" }]);
      // FORCE RLS binds a non-superuser owner too: the routing function must still see channels.
      const [agent] = await r1.withTenant(id!.id, (tx) => tx.insert(agents).values({ tenantId: id!.id, slug: "a", name: "A" }).returning());
      const [channel] = await r1.withTenant(id!.id, (tx) =>
        tx.insert(channels).values({ tenantId: id!.id, agentId: agent!.id, kind: "slack", name: "s", mode: "events", secrets: new Uint8Array([1]) }).returning(),
      );
      const route = await r2.platform((tx) => tx.execute(sql`select tenant_id from konstruct_channel_route(${channel!.id})`));
      expect([...(route as unknown as { tenant_id: string }[])]).toEqual([{ tenant_id: id!.id }]);
      expect(other).toHaveLength(1);
      // …and the person-erasure function must still find and delete that tenant's audit rows (0025).
      await r1.withTenant(id!.id, (tx) => tx.execute(sql`insert into audit_log (tenant_id, kind, summary, actor) values (${id!.id}, 'inbound', 'hi', 'U-gone')`));
      const erased = await r2.withTenant(id!.id, (tx) => tx.execute(sql`select konstruct_erase_audit('U-gone', '{}'::uuid[], '{}'::text[]) as n`));
      expect([...(erased as unknown as { n: number }[])]).toEqual([{ n: 1 }]);
      // …and the knowledge base's full-text search must still read that tenant's chunks (0054).
      const [doc] = await r1.withTenant(id!.id, (tx) =>
        tx.execute(sql`insert into kb_documents (tenant_id, title, filename, mime, content_hash, bytes, body) values (${id!.id}, 'D', 'd.md', 'text/markdown', 'h', 0, '') returning id`),
      ) as unknown as { id: string }[];
      await r1.withTenant(id!.id, (tx) => tx.execute(sql`insert into kb_chunks (tenant_id, document_id, seq, section, content) values (${id!.id}, ${doc!.id}, 1, 'S', 'Parking permits')`));
      const found = await r2.withTenant(id!.id, (tx) => tx.execute(sql`select count(*)::int as n from konstruct_kb_text_search('parking', null, 5)`));
      expect([...(found as unknown as { n: number }[])]).toEqual([{ n: 1 }]);
    } finally {
      await r1.close();
      await r2.close();
      await ext.drop();
    }
  });
});
