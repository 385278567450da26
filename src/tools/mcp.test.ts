/**
 * The stored MCP servers a turn sees: cached per tenant for at most STORED_TTL_MS, dropped at once
 * by an edit through mcp-store on this replica, never shared between tenants. Both databases.
 */
import { afterAll, beforeAll, describe, expect, setSystemTime, test } from "bun:test";
import pino from "pino";
import { mcpServers } from "../db/schema/index.ts";
import { SecretBox } from "../secrets/box.ts";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { seedTwoTenants, type TwoTenants } from "../../test/support/two-tenants.ts";
import { McpServers } from "./mcp.ts";
import { deleteStoredServer, saveStoredServer, STORED_TTL_MS } from "./mcp-store.ts";

for (const kind of DB_KINDS) {
  describe(`stored MCP servers per turn on ${kind} Postgres`, () => {
    let t: TestDatabase;
    let ids: TwoTenants;
    let box: SecretBox;
    let mcp: McpServers;
    const names = async (tenant: string) => (await mcp.providers(tenant)).map((p) => (p.options.readOnly as string[])[0]);
    // Written behind mcp-store's back, as another replica's edit looks to this one.
    const insertElsewhere = (tenant: string, name: string) =>
      t.db.withTenant(tenant, (tx) => tx.insert(mcpServers).values({ tenantId: tenant, name, url: "https://mcp.example.com/", headers: box.seal("{}"), readOnlyTools: ["x"], timeoutMs: 5000 }));

    beforeAll(async () => {
      t = await openTestDatabase(kind);
      ids = await seedTwoTenants(t.db, `mcp-${kind}`);
      box = await SecretBox.open("", t.dataDir);
      mcp = new McpServers([], t.db, pino({ level: "silent" }), fetch, box);
    });
    afterAll(async () => {
      setSystemTime();
      await mcp.close();
      await t.cleanup();
    });

    test("another replica's edit shows within the TTL; this replica's own edits show at once; tenants never mix", async () => {
      const start = Date.now();
      setSystemTime(start);
      expect(await names(ids.A.tenant)).toEqual([]);
      await insertElsewhere(ids.A.tenant, "crm");
      expect(await names(ids.A.tenant)).toEqual([]); // still the cached list
      setSystemTime(start + STORED_TTL_MS + 1);
      expect(await names(ids.A.tenant)).toEqual(["mcp__crm__x"]);

      await saveStoredServer(t.db, box, ids.A.tenant, { name: "billing", url: "https://billing.example.com/", headers: null, timeoutMs: 5000 });
      expect((await mcp.providers(ids.A.tenant)).length).toBe(2);
      await deleteStoredServer(t.db, ids.A.tenant, "crm");
      expect((await mcp.providers(ids.A.tenant)).length).toBe(1);

      expect(await names(ids.B.tenant)).toEqual([]);
    });
  });
}
