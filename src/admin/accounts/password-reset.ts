/**
 * Password-reset links: `<user id>.<expiry>.<mac>`, the MAC an HMAC-SHA256 (key derived from the
 * master key) over the id, the expiry and the account's current password hash. Nothing is stored —
 * no table to leak — and the link is single-use by construction: once the password changes, the
 * hash it was bound to is gone and the MAC no longer matches. A link also dies with its expiry.
 */
import { createHmac } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { type User, users } from "../../db/schema/index.ts";
import { sameSecret } from "../auth/secret-token.ts";

export const RESET_TTL_MS = 60 * 60_000;
const UUID = /^[0-9a-f-]{36}$/;

const mac = (key: Uint8Array, userId: string, exp: number, passwordHash: string) =>
  createHmac("sha256", key).update(`${userId}.${exp}.${passwordHash}`).digest("base64url");

export function resetToken(key: Uint8Array, user: Pick<User, "id" | "passwordHash">, now = Date.now()): string {
  const exp = Math.floor((now + RESET_TTL_MS) / 1000);
  return `${user.id}.${exp}.${mac(key, user.id, exp, user.passwordHash)}`;
}

/** The account a link may reset, or null: malformed, forged, expired, or already used. */
export async function userOfResetToken(db: Database, key: Uint8Array, token: string, now = Date.now()): Promise<User | null> {
  if (token.length > 200) return null;
  const [id, expText, presented] = token.split(".");
  const exp = Number(expText);
  if (!id || !UUID.test(id) || !Number.isSafeInteger(exp) || exp * 1000 <= now || !presented) return null;
  const [user] = await db.platform((tx) => tx.select().from(users).where(eq(users.id, id)));
  return user && sameSecret(presented, mac(key, user.id, exp, user.passwordHash)) ? user : null;
}
