/**
 * Migration 0044 on both databases: a tenant skill's versions written under 0037 move into
 * config_versions (kind 'skill', the object id skill.ts derives, same numbers, texts, authors,
 * sources and times); skill_versions is gone; the skill's history reads the moved rows and the next
 * save continues the numbering; another tenant's skill of the same name stays its own.
 */
import { describe, expect, test } from "bun:test";
import { DB_KINDS, openTestDatabase } from "../../test/support/db.ts";
import { migrate } from "../db/migrate.ts";
import { embeddedMigrations } from "../db/migrations-embed.ts" with { type: "macro" };
import { listSkillVersions, recordSkillVersion } from "./skill.ts";

const ACME = "11111111-1111-4111-8111-111111111111";
const GLOBEX = "22222222-2222-4222-8222-222222222222";

describe.each(DB_KINDS)("migration 0044 (skills) on %s Postgres", (kind) => {
  test("skill_versions rows move to config_versions as kind 'skill'", async () => {
    const t = await openTestDatabase(kind, { migrate: false });
    try {
      await migrate(t.db.driver.raw, embeddedMigrations().filter((m) => m.tag < "0044"));
      const raw = t.db.driver.raw;
      await raw.query(`insert into tenants (id, slug, name) values ('${ACME}', 'acme', 'Acme'), ('${GLOBEX}', 'globex', 'Globex')`);
      await raw.query(`insert into skill_versions (tenant_id, skill, version, text, author, source, created_at) values
        ('${ACME}', 'order-lookup', 1, 'v1 text', 'admin@acme.test', 'upload', '2026-01-01T00:00:00Z'),
        ('${ACME}', 'order-lookup', 2, 'v2 text', 'admin@acme.test', 'console', '2026-01-02T00:00:00Z'),
        ('${GLOBEX}', 'order-lookup', 1, 'globex text', 'admin@globex.test', 'upload', '2026-01-03T00:00:00Z')`);
      expect(await migrate(raw)).toContain("0044_two_factor");
      const acme = await t.db.withTenant(ACME, (tx) => listSkillVersions(tx, ACME, "order-lookup"));
      expect(acme.map((v) => [v.version, v.text, v.author, v.source, v.createdAt.toISOString()])).toEqual([
        [2, "v2 text", "admin@acme.test", "console", "2026-01-02T00:00:00.000Z"],
        [1, "v1 text", "admin@acme.test", "upload", "2026-01-01T00:00:00.000Z"],
      ]);
      expect(await t.db.withTenant(ACME, (tx) => recordSkillVersion(tx, ACME, "order-lookup", "v3 text", "admin@acme.test", "rollback"))).toBe(3);
      // RLS: acme's transaction sees none of globex's rows, even asked by globex's object id.
      expect(await t.db.withTenant(ACME, (tx) => listSkillVersions(tx, GLOBEX, "order-lookup"))).toEqual([]);
      expect((await t.db.withTenant(GLOBEX, (tx) => listSkillVersions(tx, GLOBEX, "order-lookup"))).map((v) => v.text)).toEqual(["globex text"]);
      expect((await raw.query<{ n: number }>("select count(*)::int as n from information_schema.tables where table_name = 'skill_versions'"))[0]!.n).toBe(0);
    } finally {
      await t.cleanup();
    }
  }, 120_000);
});
