/**
 * A tenant's MCP servers added in the console (`mcp_servers`, FORCE RLS): streamable HTTP only —
 * a stdio server runs a program on the appliance, which stays a platform decision in config. The
 * headers (often a bearer token) are sealed with the master key and leave this module only as the
 * client's request headers or as names for the form; the URL passed the SSRF guard when saved and
 * is guarded again on every request (the fetch is src/net/outbound.ts's).
 */
import { and, eq, sql } from "drizzle-orm";
import type { McpServerConfig } from "../config/schema.ts";
import type { Database } from "../db/database.ts";
import { mcpServers } from "../db/schema/index.ts";
import type { SecretBox } from "../secrets/box.ts";

export interface StoredServer {
  name: string;
  url: string;
  headerNames: string[];
  readOnlyTools: string[];
  timeoutMs: number;
  updatedAt: Date;
}

export function toConfig(row: { name: string; url: string; readOnlyTools: string[]; timeoutMs: number }, headers: Record<string, string>): McpServerConfig {
  return { name: row.name, transport: "http", command: "", args: [], env: {}, url: row.url, headers, read_only_tools: row.readOnlyTools, timeout_ms: row.timeoutMs };
}

const unsealHeaders = (box: SecretBox, sealed: Uint8Array) => JSON.parse(box.unseal(sealed)) as Record<string, string>;

/**
 * Bumped by every write in this process, so a turn's cached list (mcp.ts) is never older than an
 * edit made on this replica; other replicas see it when their cache lapses (STORED_TTL_MS).
 */
let generation = 0;
export const storeGeneration = () => generation;
/** How long a replica may serve a tenant's stored servers without re-reading them. */
export const STORED_TTL_MS = 2_000;

export async function storedServerConfigs(db: Database, box: SecretBox, tenantId: string): Promise<McpServerConfig[]> {
  const rows = await db.withTenant(tenantId, (tx) => tx.select().from(mcpServers).orderBy(mcpServers.name));
  return rows.map((r) => toConfig(r, unsealHeaders(box, r.headers)));
}

export async function listStoredServers(db: Database, box: SecretBox, tenantId: string): Promise<StoredServer[]> {
  const rows = await db.withTenant(tenantId, (tx) => tx.select().from(mcpServers).orderBy(mcpServers.name));
  return rows.map((r) => ({ name: r.name, url: r.url, headerNames: Object.keys(unsealHeaders(box, r.headers)), readOnlyTools: r.readOnlyTools, timeoutMs: r.timeoutMs, updatedAt: r.updatedAt }));
}

export async function storedServerConfig(db: Database, box: SecretBox, tenantId: string, name: string): Promise<McpServerConfig | null> {
  const [r] = await db.withTenant(tenantId, (tx) => tx.select().from(mcpServers).where(and(eq(mcpServers.tenantId, tenantId), eq(mcpServers.name, name))));
  return r ? toConfig(r, unsealHeaders(box, r.headers)) : null;
}

/**
 * Adds or replaces a server. `headers` null keeps the stored ones (the form never shows them);
 * read-only flags survive an edit of the URL.
 */
export async function saveStoredServer(db: Database, box: SecretBox, tenantId: string, s: { name: string; url: string; headers: Record<string, string> | null; timeoutMs: number }): Promise<void> {
  await db.withTenant(tenantId, async (tx) => {
    const [old] = await tx.select().from(mcpServers).where(and(eq(mcpServers.tenantId, tenantId), eq(mcpServers.name, s.name)));
    const headers = s.headers ? box.seal(JSON.stringify(s.headers)) : (old?.headers ?? box.seal("{}"));
    await tx
      .insert(mcpServers)
      .values({ tenantId, name: s.name, url: s.url, headers, timeoutMs: s.timeoutMs })
      .onConflictDoUpdate({ target: [mcpServers.tenantId, mcpServers.name], set: { url: s.url, headers, timeoutMs: s.timeoutMs, updatedAt: sql`now()` } });
  });
  generation++;
}

export async function setReadOnlyTools(db: Database, tenantId: string, name: string, tools: string[]): Promise<boolean> {
  const rows = await db.withTenant(tenantId, (tx) =>
    tx.update(mcpServers).set({ readOnlyTools: tools, updatedAt: sql`now()` }).where(and(eq(mcpServers.tenantId, tenantId), eq(mcpServers.name, name))).returning({ name: mcpServers.name }),
  );
  generation++;
  return rows.length > 0;
}

export async function deleteStoredServer(db: Database, tenantId: string, name: string): Promise<boolean> {
  const rows = await db.withTenant(tenantId, (tx) => tx.delete(mcpServers).where(and(eq(mcpServers.tenantId, tenantId), eq(mcpServers.name, name))).returning({ name: mcpServers.name }));
  generation++;
  return rows.length > 0;
}
