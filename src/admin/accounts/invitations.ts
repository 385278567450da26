/**
 * Invitations: a single-use, expiring link (`/invite/<token>`) for one e-mail, role and tenant.
 * Only the token's hash is stored. Accepting marks it used and creates the user in one
 * transaction, with the row locked, so two tabs racing on one link yield one account.
 */
import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { invitations, type User, users } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import type { Role } from "../auth/principal.ts";
import { hashToken, newSecretToken } from "../auth/secret-token.ts";
import { checkPassword, hashPassword, normalizeEmail } from "./users.ts";

export const INVITABLE_ROLES = ["tenant_admin", "operator"] as const satisfies readonly Role[];

export interface NewInvitation {
  email: string;
  role: string;
  tenantId: string;
  invitedBy: string;
  ttlHours: number;
}

export async function createInvitation(db: Database, input: NewInvitation): Promise<{ id: string; token: string; email: string; role: (typeof INVITABLE_ROLES)[number] }> {
  const email = normalizeEmail(input.email);
  const role = INVITABLE_ROLES.find((r) => r === input.role);
  if (!role) throw new KonstructError("bad_request", "role: must be tenant_admin or operator");
  const token = newSecretToken();
  const id = await db.platform(async (tx) => {
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email));
    if (existing) throw new KonstructError("conflict", `email: ${email} already has an account`);
    const [row] = await tx
      .insert(invitations)
      .values({
        tokenHash: hashToken(token),
        email,
        role: input.role,
        tenantId: input.tenantId,
        invitedBy: input.invitedBy,
        expiresAt: new Date(Date.now() + input.ttlHours * 3_600_000),
      })
      .returning({ id: invitations.id });
    return row!.id;
  });
  return { id, token, email, role };
}

const live = (tokenHash: string) => and(eq(invitations.tokenHash, tokenHash), isNull(invitations.usedAt), gt(invitations.expiresAt, sql`now()`));

/** The invitation behind a link, if it can still be used. */
export async function findLiveInvitation(db: Database, token: string) {
  const [row] = await db.platform((tx) =>
    tx.select({ email: invitations.email, role: invitations.role, tenantId: invitations.tenantId }).from(invitations).where(live(hashToken(token))),
  );
  return row ?? null;
}

export async function acceptInvitation(db: Database, token: string, password: string): Promise<User> {
  await checkPassword(password);
  const passwordHash = await hashPassword(password);
  return db.platform(async (tx) => {
    const [inv] = await tx.select().from(invitations).where(live(hashToken(token))).for("update");
    if (!inv) throw new KonstructError("not_found", "this invitation link is invalid, used or expired: ask for a new one");
    await tx.update(invitations).set({ usedAt: new Date() }).where(eq(invitations.id, inv.id));
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, inv.email));
    if (existing) throw new KonstructError("conflict", `email: ${inv.email} already has an account`);
    const [user] = await tx.insert(users).values({ email: inv.email, passwordHash, role: inv.role, tenantId: inv.tenantId }).returning();
    return user!;
  });
}

/** Pending (unused, unexpired) invitations: of one tenant, or all for a platform admin (null). */
export function listPendingInvitations(db: Database, tenantId: string | null) {
  return db.platform((tx) =>
    tx
      .select({ id: invitations.id, email: invitations.email, role: invitations.role, tenantId: invitations.tenantId, expiresAt: invitations.expiresAt })
      .from(invitations)
      .where(and(isNull(invitations.usedAt), gt(invitations.expiresAt, sql`now()`), tenantId ? eq(invitations.tenantId, tenantId) : undefined))
      .orderBy(desc(invitations.createdAt)),
  );
}

/** Ends a pending invitation early (marked used); false when there is none in the caller's scope. */
export async function revokeInvitation(db: Database, id: string, tenantId: string | null): Promise<boolean> {
  const rows = await db.platform((tx) =>
    tx
      .update(invitations)
      .set({ usedAt: new Date() })
      .where(and(eq(invitations.id, id), isNull(invitations.usedAt), tenantId ? eq(invitations.tenantId, tenantId) : undefined))
      .returning({ id: invitations.id }),
  );
  return rows.length > 0;
}
