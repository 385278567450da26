/**
 * Server-side sessions: the cookie holds a random id, the table its hash. Expiry slides: a use
 * moves it to now + ttl, written at most once a minute so browsing is not a write per request.
 * Logout deletes the row, so a copied cookie stops working at once.
 */
import { and, eq, gt, lt, sql } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { sessions, tenants, users } from "../../db/schema/index.ts";
import type { Principal } from "../auth/principal.ts";
import { hashToken, newSecretToken } from "../auth/secret-token.ts";
import { toPrincipal } from "./users.ts";

/** Slide at most this often (or a tenth of the lifetime, for short ones). */
const SLIDE_GRANULARITY_MS = 60_000;

export type SessionMethod = "password" | "totp" | "oidc";

export async function createSession(db: Database, userId: string, ttlMs: number, method: SessionMethod = "password"): Promise<string> {
  const id = newSecretToken();
  await db.platform(async (tx) => {
    await tx.delete(sessions).where(lt(sessions.expiresAt, new Date()));
    await tx.insert(sessions).values({ idHash: hashToken(id), userId, method, expiresAt: new Date(Date.now() + ttlMs) });
  });
  return id;
}

export async function sessionPrincipal(db: Database, id: string, ttlMs: number): Promise<Principal | null> {
  const idHash = hashToken(id);
  return db.platform(async (tx) => {
    const [row] = await tx
      .select({
        id: users.id,
        email: users.email,
        role: users.role,
        tenantId: users.tenantId,
        locale: users.locale,
        expiresAt: sessions.expiresAt,
        // The tenant asks for a second factor this password session does not have (two-factor/).
        mustEnrol: sql<boolean>`coalesce(${tenants.requireTwoFactor}, false) and ${users.totpEnabledAt} is null and ${sessions.method} <> 'oidc'`,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .leftJoin(tenants, eq(tenants.id, users.tenantId))
      .where(and(eq(sessions.idHash, idHash), gt(sessions.expiresAt, sql`now()`)));
    if (!row) return null;
    const next = Date.now() + ttlMs;
    if (next - row.expiresAt.getTime() > Math.min(SLIDE_GRANULARITY_MS, ttlMs / 10))
      await tx.update(sessions).set({ expiresAt: new Date(next) }).where(eq(sessions.idHash, idHash));
    return { ...toPrincipal(row), mustEnrol: row.mustEnrol };
  });
}

export async function destroySession(db: Database, id: string): Promise<void> {
  await db.platform((tx) => tx.delete(sessions).where(eq(sessions.idHash, hashToken(id))));
}
