/**
 * The LLM pool's providers from the database: the platform's (llm_providers) under their id, and
 * each tenant's own (tenant_llm_providers, BYO keys) under tenantProviderKey(tenant, id), so a
 * tenant's key is only ever used for that tenant's agents.
 */
import type { Database } from "../db/database.ts";
import { llmProviders, tenantLlmProviders, tenants } from "../db/schema/index.ts";
import { tenantProviderKey } from "../llm/pool.ts";
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
