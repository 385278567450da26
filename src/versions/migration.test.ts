/**
 * Migration 0043 on both databases: the agents' versions written under 0032 move into config_versions
 * (kind 'agent', same numbers, authors, sources and times) and agent_versions is gone; the agents'
 * History keeps working from the moved rows.
 */
import { describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { DB_KINDS, openTestDatabase } from "../../test/support/db.ts";
import { migrate } from "../db/migrate.ts";
import { embeddedMigrations } from "../db/migrations-embed.ts" with { type: "macro" };
import { configVersions } from "../db/schema/index.ts";
import { listAgentVersions } from "./agent.ts";

describe.each(DB_KINDS)("migration 0043 on %s Postgres", (kind) => {
  test("agent_versions rows move to config_versions as kind 'agent'", async () => {
    const t = await openTestDatabase(kind, { migrate: false });
    try {
      const all = embeddedMigrations();
      await migrate(t.db.driver.raw, all.filter((m) => m.tag < "0043"));
      const raw = t.db.driver.raw;
      await raw.query("insert into tenants (id, slug, name) values ('11111111-1111-4111-8111-111111111111', 'acme', 'Acme'), ('22222222-2222-4222-8222-222222222222', 'globex', 'Globex')");
      await raw.query("insert into agents (tenant_id, id, slug, name) values ('11111111-1111-4111-8111-111111111111', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'ada', 'Ada'), ('22222222-2222-4222-8222-222222222222', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'gus', 'Gus')");
      await raw.query(`insert into agent_versions (tenant_id, agent_id, version, config, author, source, created_at) values
        ('11111111-1111-4111-8111-111111111111', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 1, '{"name":"Ada"}', 'config', 'config', '2026-01-01T00:00:00Z'),
        ('11111111-1111-4111-8111-111111111111', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 2, '{"name":"Ada L."}', 'admin@acme.test', 'console', '2026-01-02T00:00:00Z'),
        ('22222222-2222-4222-8222-222222222222', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 1, '{"name":"Gus"}', 'config', 'config', '2026-01-03T00:00:00Z')`);
      expect(await migrate(raw)).toContain("0043_config_versions");
      const acme = await t.db.withTenant("11111111-1111-4111-8111-111111111111", (tx) => listAgentVersions(tx, "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"));
      expect(acme.map((v) => [v.kind, v.version, v.author, v.source, v.config.name, v.createdAt.toISOString()])).toEqual([
        ["agent", 2, "admin@acme.test", "console", "Ada L.", "2026-01-02T00:00:00.000Z"],
        ["agent", 1, "config", "config", "Ada", "2026-01-01T00:00:00.000Z"],
      ]);
      // Still one tenant's rows per tenant (RLS on the new table).
      const globex = await t.db.withTenant("22222222-2222-4222-8222-222222222222", (tx) => tx.select().from(configVersions).where(and(eq(configVersions.kind, "agent"))));
      expect(globex.map((v) => v.objectId)).toEqual(["bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"]);
      expect((await raw.query<{ n: number }>("select count(*)::int as n from information_schema.tables where table_name = 'agent_versions'"))[0]!.n).toBe(0);
    } finally {
      await t.cleanup();
    }
  }, 60_000);
});
