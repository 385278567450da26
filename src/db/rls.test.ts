/**
 * Tenant isolation, proven with two tenants on both the embedded and the external database.
 * Every query in here goes through Database.withTenant()/platform(), i.e. as an unprivileged role
 * — the owner/superuser connection would bypass RLS and prove nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { KonstructError } from "../errors.ts";
import { ACCOUNT_TABLES, agents, auditLog, channels, SEARCH_INDEX_PREFIXES, TENANT_NAMING_PLATFORM_TABLES, TENANT_TABLES, tenants } from "./schema/index.ts";

describe.each(DB_KINDS)("tenant isolation on %s Postgres", (kind) => {
  let t: TestDatabase;
  let A: string;
  let B: string;
  let agentA: string;
  let agentB: string;

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    [A, B] = await t.db.platform(async (tx) => {
      const rows = await tx
        .insert(tenants)
        .values([
          { slug: "acme", name: "Acme" },
          { slug: "globex", name: "Globex" },
        ])
        .returning({ id: tenants.id });
      return rows.map((r) => r.id) as [string, string];
    });
    agentA = await seed(A, "alice");
    agentB = await seed(B, "bob");
  }, 60_000);
  afterAll(() => t.cleanup());

  async function seed(tenantId: string, slug: string): Promise<string> {
    return t.db.withTenant(tenantId, async (tx) => {
      const [a] = await tx.insert(agents).values({ tenantId, slug, name: slug }).returning({ id: agents.id });
      await tx.insert(channels).values({
        tenantId,
        agentId: a!.id,
        kind: "telegram",
        name: `${slug}-bot`,
        mode: "polling",
        secrets: new Uint8Array([1, 2, 3]),
      });
      return a!.id;
    });
  }

  test("runs as an unprivileged role that is neither owner, superuser nor BYPASSRLS", async () => {
    const who = await t.db.withTenant(A, async (tx) => {
      // pglite returns { rows }, postgres.js an array: accept both.
      const r = (await tx.execute(sql`select current_user, rolsuper, rolbypassrls from pg_roles where rolname = current_user`)) as unknown as
        { rows?: unknown[] } & unknown[];
      return (r.rows ?? r)[0];
    });
    expect(who).toEqual({ current_user: "konstruct_app", rolsuper: false, rolbypassrls: false });
  });

  test("reads see only the own tenant's rows", async () => {
    const seen = await t.db.withTenant(A, async (tx) => ({
      agents: await tx.select({ slug: agents.slug }).from(agents),
      channels: await tx.select({ name: channels.name }).from(channels),
      tenants: await tx.select({ slug: tenants.slug }).from(tenants),
      byId: await tx.select().from(agents).where(eq(agents.id, agentB)),
    }));
    expect(seen).toEqual({ agents: [{ slug: "alice" }], channels: [{ name: "alice-bot" }], tenants: [{ slug: "acme" }], byId: [] });
  });

  test("updates and deletes of the other tenant's rows touch nothing", async () => {
    const touched = await t.db.withTenant(A, async (tx) => ({
      updated: await tx.update(agents).set({ name: "pwned" }).where(eq(agents.id, agentB)).returning(),
      updatedAll: await tx.update(agents).set({ persona: "x" }).returning({ slug: agents.slug }),
      deletedChannels: await tx.delete(channels).where(eq(channels.agentId, agentB)).returning(),
      deletedAgents: await tx.delete(agents).where(eq(agents.id, agentB)).returning(),
    }));
    expect(touched).toEqual({ updated: [], updatedAll: [{ slug: "alice" }], deletedChannels: [], deletedAgents: [] });
    const b = await t.db.withTenant(B, async (tx) => ({
      agents: await tx.select({ name: agents.name, persona: agents.persona }).from(agents),
      channels: await tx.select({ name: channels.name }).from(channels),
    }));
    expect(b).toEqual({ agents: [{ name: "bob", persona: "" }], channels: [{ name: "bob-bot" }] });
  });

  test("writing rows into another tenant is rejected", async () => {
    await expect(
      t.db.withTenant(A, (tx) => tx.insert(agents).values({ tenantId: B, slug: "mole", name: "mole" })),
    ).rejects.toThrow(/row-level security/);
    await expect(
      t.db.withTenant(A, (tx) => tx.update(agents).set({ tenantId: B }).where(eq(agents.id, agentA))),
    ).rejects.toThrow(/row-level security/);
  });

  test("without a tenant set, the app role sees nothing", async () => {
    const rows = await t.db.driver.raw.transaction(async (tx) => {
      await tx.query("set local role konstruct_app");
      return tx.query("select count(*)::int as n from agents");
    });
    expect(rows).toEqual([{ n: 0 }]);
  });

  test("the platform role cannot read tenant-owned tables at all", async () => {
    await expect(t.db.platform((tx) => tx.select().from(agents))).rejects.toThrow(/permission denied/);
    await expect(t.db.platform((tx) => tx.select().from(channels))).rejects.toThrow(/permission denied/);
    const all = await t.db.platform((tx) => tx.select({ slug: tenants.slug }).from(tenants).orderBy(tenants.slug));
    expect(all).toEqual([{ slug: "acme" }, { slug: "globex" }]);
  });

  test("routing a channel to its tenant is possible without reading channels", async () => {
    const [channel] = await t.db.withTenant(B, (tx) => tx.select({ id: channels.id }).from(channels));
    const route = await t.db.platform(async (tx) => {
      const r = (await tx.execute(sql`select * from konstruct_channel_route(${channel!.id})`)) as unknown as { rows?: unknown[] } & unknown[];
      return r.rows ?? r;
    });
    expect(route).toEqual([{ tenant_id: B, agent_id: agentB, kind: "telegram" }]);
  });

  test("the audit trail is append-only for the application", async () => {
    await t.db.withTenant(A, (tx) => tx.insert(auditLog).values({ tenantId: A, kind: "inbound", summary: "hello" }));
    await expect(t.db.withTenant(A, (tx) => tx.update(auditLog).set({ summary: "edited" }))).rejects.toThrow(/permission denied/);
    await expect(t.db.withTenant(A, (tx) => tx.delete(auditLog))).rejects.toThrow(/permission denied/);
    const rows = await t.db.withTenant(A, (tx) => tx.select({ summary: auditLog.summary }).from(auditLog));
    expect(rows).toEqual([{ summary: "hello" }]);
    expect(await t.db.withTenant(B, (tx) => tx.select().from(auditLog))).toEqual([]);
  });

  test("console accounts are platform-only: the tenant role cannot read users, sessions or tokens", async () => {
    for (const table of ACCOUNT_TABLES)
      await expect(t.db.withTenant(A, (tx) => tx.execute(sql.raw(`select * from ${table}`)))).rejects.toThrow(/permission denied/);
    const forced = await t.db.driver.raw.query<{ relname: string }>(
      "select relname from pg_class where relname = any($1::text[]) and relrowsecurity and relforcerowsecurity order by 1",
      [[...ACCOUNT_TABLES]],
    );
    expect(forced.map((r) => r.relname)).toEqual([...ACCOUNT_TABLES].sort());
  });

  test("the role switch ends with the transaction", async () => {
    await t.db.withTenant(A, async () => {});
    const [who] = await t.db.driver.raw.query<{ u: string }>("select current_user as u");
    expect(who!.u).not.toMatch(/^konstruct_/);
  });

  test("a malformed tenant id is refused before any query", () => {
    expect(() => t.db.withTenant("1 or 1=1", async () => {})).toThrow(KonstructError);
  });

  test("every tenant-owned table: listed, FORCE RLS, tenant_id leading the primary key and every index", async () => {
    const raw = t.db.driver.raw;
    const withTenantId = await raw.query<{ table_name: string }>(
      "select table_name from information_schema.columns where table_schema = 'public' and column_name = 'tenant_id' order by 1",
    );
    expect(withTenantId.map((r) => r.table_name)).toEqual([...TENANT_TABLES, ...TENANT_NAMING_PLATFORM_TABLES].sort());
    const rows = await raw.query<{ relname: string; forced: boolean; indexname: string; first_col: string }>(
      `select c.relname, c.relrowsecurity and c.relforcerowsecurity as forced, i.relname as indexname,
              a.attname as first_col
         from pg_class c
         join pg_index x on x.indrelid = c.oid
         join pg_class i on i.oid = x.indexrelid
         join pg_attribute a on a.attrelid = c.oid and a.attnum = x.indkey[0]
        where c.relname = any($1::text[])`,
      [[...TENANT_TABLES]],
    );
    expect(rows.length).toBeGreaterThanOrEqual(TENANT_TABLES.length * 2);
    const search = (name: string) => SEARCH_INDEX_PREFIXES.some((p) => name.startsWith(p));
    for (const r of rows) expect({ index: r.indexname, forced: r.forced, first: search(r.indexname) ? "tenant_id" : r.first_col }).toEqual({ index: r.indexname, forced: true, first: "tenant_id" });
  });
});
