/**
 * LLM providers & keys. Platform admins manage the platform's providers (llm_providers, platform
 * scope); a tenant admin manages the tenant's own (tenant_llm_providers, BYO keys, tenant scope),
 * which its agents' chains reach before a platform provider of the same id. Keys are sealed and
 * never shown again; an empty key field keeps the stored one. Saving updates the running pool. A
 * base_url leading to a private address is refused unless security.allow_private_hosts lists it.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/database.ts";
import { llmProviders, tenantLlmProviders } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import { providerSettings } from "../../gateway/providers.ts";
import type { LlmPool } from "../../llm/pool.ts";
import type { Outbound } from "../../net/outbound.ts";
import { tenantProviderKey } from "../../llm/pool.ts";
import type { SecretBox } from "../../secrets/box.ts";
import { type FieldErrors, type Parsed, parseForm } from "../forms.ts";

/** null = the platform's providers; else that tenant's own. */
export type ProviderScope = string | null;

export const providerForm = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "1-63 characters of a-z, 0-9 and '-' (used in model chains as id/model)"),
  kind: z.enum(["openai", "ollama"], { error: "choose OpenAI-compatible or Ollama" }),
  base_url: z.url({ error: "must be a URL, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434" }),
  api_key: z.string().default(""),
  timeout_ms: z.coerce.number({ error: "must be a number" }).int().min(1000, "at least 1000 ms"),
  max_concurrency: z.coerce.number({ error: "must be a number" }).int().min(1, "at least 1").max(256),
});
export type ProviderForm = z.infer<typeof providerForm>;
export const PROVIDER_DEFAULTS = { timeout_ms: "60000", max_concurrency: "8", kind: "openai" };

export const parseProviderForm = (fields: Record<string, string>): Parsed<ProviderForm> => parseForm(providerForm, fields);

export interface ProviderRow {
  id: string;
  kind: string;
  baseUrl: string;
  apiKey: Uint8Array;
  timeoutMs: number;
  maxConcurrency: number;
  source?: string;
}

export function listProviders(db: Database, scope: ProviderScope): Promise<ProviderRow[]> {
  if (scope === null) return db.platform((tx) => tx.select().from(llmProviders).orderBy(asc(llmProviders.id)));
  return db.withTenant(scope, (tx) => tx.select().from(tenantLlmProviders).orderBy(asc(tenantLlmProviders.id)));
}

export async function getProvider(db: Database, scope: ProviderScope, id: string): Promise<ProviderRow> {
  const rows =
    scope === null
      ? await db.platform((tx) => tx.select().from(llmProviders).where(eq(llmProviders.id, id)))
      : await db.withTenant(scope, (tx) => tx.select().from(tenantLlmProviders).where(eq(tenantLlmProviders.id, id)));
  if (!rows[0]) throw new KonstructError("not_found", "no such provider");
  return rows[0];
}

export function poolKey(scope: ProviderScope, id: string): string {
  return scope === null ? id : tenantProviderKey(scope, id);
}

export async function saveProvider(
  db: Database,
  box: SecretBox,
  pool: LlmPool,
  outbound: Pick<Outbound, "refusal">,
  scope: ProviderScope,
  existing: ProviderRow | null,
  f: ProviderForm,
): Promise<{ ok: true } | { errors: FieldErrors }> {
  if (existing && existing.id !== f.id) return { errors: { id: "the id cannot change (model chains refer to it); add a new provider instead" } };
  // Checked again on every request (src/net/outbound.ts); refusing here tells the admin at once.
  const refused = await outbound.refusal(f.base_url);
  if (refused) return { errors: { base_url: refused } };
  const apiKey = f.api_key ? box.seal(f.api_key) : (existing?.apiKey ?? box.seal(""));
  const values = { id: f.id, kind: f.kind, baseUrl: f.base_url, apiKey, timeoutMs: f.timeout_ms, maxConcurrency: f.max_concurrency };
  if (!existing) {
    const taken = await listProviders(db, scope).then((rows) => rows.some((r) => r.id === f.id));
    if (taken) return { errors: { id: "a provider with this id exists already" } };
  }
  if (scope === null)
    await db.platform((tx) =>
      tx.insert(llmProviders).values({ ...values, source: "ui" }).onConflictDoUpdate({ target: llmProviders.id, set: { ...values, updatedAt: sql`now()` } }),
    );
  else
    await db.withTenant(scope, (tx) =>
      tx
        .insert(tenantLlmProviders)
        .values({ tenantId: scope, ...values })
        .onConflictDoUpdate({ target: [tenantLlmProviders.tenantId, tenantLlmProviders.id], set: { ...values, updatedAt: sql`now()` } }),
    );
  pool.set(providerSettings(values, box, scope ?? undefined));
  return { ok: true };
}

export async function deleteProvider(db: Database, pool: LlmPool, scope: ProviderScope, id: string): Promise<void> {
  if (scope === null) await db.platform((tx) => tx.delete(llmProviders).where(eq(llmProviders.id, id)));
  else await db.withTenant(scope, (tx) => tx.delete(tenantLlmProviders).where(and(eq(tenantLlmProviders.id, id))));
  pool.remove(poolKey(scope, id));
}

/** Provider ids an agent of this tenant can name in its chain: the platform's and its own. */
export function availableProviders(pool: LlmPool | null, tenantId: string): string[] {
  const ids = new Set<string>();
  for (const key of pool?.providers() ?? []) {
    if (!key.includes(":")) ids.add(key);
    else if (key.startsWith(`${tenantId}:`)) ids.add(key.slice(tenantId.length + 1));
  }
  return [...ids].sort();
}
