/**
 * The LLM pool's providers from the database: the platform's (llm_providers) under their id, and
 * each tenant's own (tenant_llm_providers, BYO keys) under tenantProviderKey(tenant, id), so a
 * tenant's key is only ever used for that tenant's agents.
 */
import { eq } from "drizzle-orm";
import type { Database } from "../db/database.ts";
import { llmProviders, tenantLlmProviders, tenants } from "../db/schema/index.ts";
import { type LlmPool, tenantProviderKey } from "../llm/pool.ts";
import type { ProviderSettings } from "../llm/types.ts";
import type { SecretBox } from "../secrets/box.ts";

type Row = { id: string; kind: string; baseUrl: string; apiKey: Uint8Array; timeoutMs: number; maxConcurrency: number };

export function providerSettings(row: Row, box: SecretBox, tenantId?: string): ProviderSettings {
  return {
    id: tenantId ? tenantProviderKey(tenantId, row.id) : row.id,
    kind: row.kind as ProviderSettings["kind"],
    baseUrl: row.baseUrl,
    apiKey: box.unseal(row.apiKey),
    timeoutMs: row.timeoutMs,
    maxConcurrency: row.maxConcurrency,
  };
}

export async function loadProviders(db: Database, box: SecretBox): Promise<ProviderSettings[]> {
  const { platform, tenantIds } = await db.platform(async (tx) => ({
    platform: await tx.select().from(llmProviders),
    tenantIds: await tx.select({ id: tenants.id }).from(tenants),
  }));
  const out = platform.map((p) => providerSettings(p, box));
  for (const { id } of tenantIds) {
    const own = await db.withTenant(id, (tx) => tx.select().from(tenantLlmProviders));
    out.push(...own.map((p) => providerSettings(p, box, id)));
  }
  return out;
}

/** A pool key back to its scope: `tenant:id` is that tenant's own provider, a bare id the platform's. */
export function providerScope(key: string): { tenantId: string | null; id: string } {
  const at = key.indexOf(":");
  return at < 0 ? { tenantId: null, id: key } : { tenantId: key.slice(0, at), id: key.slice(at + 1) };
}

/** Re-reads one provider's row into the pool (an edit another replica made), or drops it when the row is gone. */
export async function reloadProvider(db: Database, box: SecretBox, pool: LlmPool, tenantId: string | null, id: string): Promise<void> {
  const rows = tenantId
    ? await db.withTenant(tenantId, (tx) => tx.select().from(tenantLlmProviders).where(eq(tenantLlmProviders.id, id)))
    : await db.platform((tx) => tx.select().from(llmProviders).where(eq(llmProviders.id, id)));
  if (rows[0]) pool.set(providerSettings(rows[0], box, tenantId ?? undefined), false);
  else pool.remove(tenantId ? tenantProviderKey(tenantId, id) : id, false);
}
