/**
 * Personal access tokens for /api/v1: `kpat_` + 256 random bits, shown once, stored as a hash.
 * A token acts as its owner with the owner's current role, so demoting or deleting a user
 * changes or ends what their tokens can do.
 */
import { and, desc, eq, isNull } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { accessTokens, users } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import type { Principal } from "../auth/principal.ts";
import { hashToken, newSecretToken } from "../auth/secret-token.ts";
import { toPrincipal } from "./users.ts";

export const TOKEN_PREFIX = "kpat_";
const LAST_USED_GRANULARITY_MS = 60_000;

export async function createAccessToken(db: Database, userId: string, name: string): Promise<{ id: string; token: string }> {
  const label = name.trim();
  if (!label || label.length > 100) throw new KonstructError("bad_request", "name: 1-100 characters");
  const token = newSecretToken(TOKEN_PREFIX);
  const [row] = await db.platform((tx) =>
    tx
      .insert(accessTokens)
      .values({ userId, name: label, tokenHash: hashToken(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6) })
      .returning({ id: accessTokens.id }),
  );
  return { id: row!.id, token };
}

export function listAccessTokens(db: Database, userId: string) {
  return db.platform((tx) =>
    tx
      .select({
        id: accessTokens.id,
        name: accessTokens.name,
        prefix: accessTokens.prefix,
        createdAt: accessTokens.createdAt,
        lastUsedAt: accessTokens.lastUsedAt,
        revokedAt: accessTokens.revokedAt,
      })
      .from(accessTokens)
      .where(eq(accessTokens.userId, userId))
      .orderBy(desc(accessTokens.createdAt)),
  );
}

/** Revokes one of the user's own tokens; false when there is no such (live) token. */
export async function revokeAccessToken(db: Database, userId: string, id: string): Promise<boolean> {
  const rows = await db.platform((tx) =>
    tx
      .update(accessTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(accessTokens.id, id), eq(accessTokens.userId, userId), isNull(accessTokens.revokedAt)))
      .returning({ id: accessTokens.id }),
  );
  return rows.length > 0;
}

export async function tokenPrincipal(db: Database, token: string): Promise<Principal | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  return db.platform(async (tx) => {
    const [row] = await tx
      .select({ tokenId: accessTokens.id, lastUsedAt: accessTokens.lastUsedAt, id: users.id, email: users.email, role: users.role, tenantId: users.tenantId, locale: users.locale })
      .from(accessTokens)
      .innerJoin(users, eq(users.id, accessTokens.userId))
      .where(and(eq(accessTokens.tokenHash, hashToken(token)), isNull(accessTokens.revokedAt)));
    if (!row) return null;
    if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS)
      await tx.update(accessTokens).set({ lastUsedAt: new Date() }).where(eq(accessTokens.id, row.tokenId));
    return toPrincipal(row);
  });
}
