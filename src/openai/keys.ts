/**
 * API keys of the OpenAI-compatible API: `ksk_` + 256 random bits, shown once, stored as SHA-256
 * (schema/api-keys.ts). A key belongs to one tenant and, optionally, to one AI employee of it.
 * Who may create, list or revoke a tenant's keys (its admins, platform admins) is checked by the
 * caller before these run; every statement here names the tenant, so one tenant's id never reaches
 * another's key.
 */
import { and, desc, eq, isNull } from "drizzle-orm";
import { hashToken, newSecretToken } from "../admin/auth/secret-token.ts";
import type { Database } from "../db/database.ts";
import { apiKeys } from "../db/schema/index.ts";
import { KonstructError } from "../errors.ts";

export const API_KEY_PREFIX = "ksk_";
const LAST_USED_GRANULARITY_MS = 60_000;

/** What a presented key may use: its tenant, and one agent or (null) all of them. */
export interface KeyScope {
  keyId: string;
  tenantId: string;
  agentId: string | null;
}

export async function createApiKey(db: Database, input: { tenantId: string; agentId: string | null; name: string; createdBy: string | null }): Promise<{ id: string; key: string }> {
  const name = input.name.trim();
  if (!name || name.length > 100) throw new KonstructError("bad_request", "name: 1-100 characters");
  const key = newSecretToken(API_KEY_PREFIX);
  const [row] = await db.platform((tx) =>
    tx
      .insert(apiKeys)
      .values({ tenantId: input.tenantId, agentId: input.agentId, name, tokenHash: hashToken(key), prefix: key.slice(0, API_KEY_PREFIX.length + 6), createdBy: input.createdBy })
      .returning({ id: apiKeys.id }),
  );
  return { id: row!.id, key };
}

export function listApiKeys(db: Database, tenantId: string) {
  return db.platform((tx) =>
    tx
      .select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, agentId: apiKeys.agentId, createdAt: apiKeys.createdAt, lastUsedAt: apiKeys.lastUsedAt, revokedAt: apiKeys.revokedAt })
      .from(apiKeys)
      .where(eq(apiKeys.tenantId, tenantId))
      .orderBy(desc(apiKeys.createdAt)),
  );
}

/** Revokes one live key of the tenant; false when there is none. */
export async function revokeApiKey(db: Database, tenantId: string, id: string): Promise<boolean> {
  const rows = await db.platform((tx) =>
    tx
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiKeys.id, id), eq(apiKeys.tenantId, tenantId), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id }),
  );
  return rows.length > 0;
}

/** The scope of a live key, or null (unknown, revoked, or not a key at all). */
export async function keyScope(db: Database, key: string): Promise<KeyScope | null> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 100) return null;
  return db.platform(async (tx) => {
    const [row] = await tx
      .select({ keyId: apiKeys.id, tenantId: apiKeys.tenantId, agentId: apiKeys.agentId, lastUsedAt: apiKeys.lastUsedAt })
      .from(apiKeys)
      .where(and(eq(apiKeys.tokenHash, hashToken(key)), isNull(apiKeys.revokedAt)));
    if (!row) return null;
    if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS)
      await tx.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, row.keyId));
    return { keyId: row.keyId, tenantId: row.tenantId, agentId: row.agentId };
  });
}
