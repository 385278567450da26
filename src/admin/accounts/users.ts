/** Console users: platform table, read and written only through Database.platform(). */
import { and, count, eq, getTableColumns, ne, sql } from "drizzle-orm";
import type { Database, Tx } from "../../db/database.ts";
import { sessions, type User, users } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import type { Principal, Role } from "../auth/principal.ts";
import { checkPassword } from "./password-policy.ts";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export { checkPassword, MIN_PASSWORD } from "./password-policy.ts";

export function normalizeEmail(email: string): string {
  const e = email.trim().toLowerCase();
  if (!EMAIL.test(e)) throw new KonstructError("bad_request", "email: not an e-mail address");
  return e;
}

export const hashPassword = (password: string) => Bun.password.hash(password, { algorithm: "argon2id" });

export function toPrincipal(u: Pick<User, "id" | "email" | "role" | "tenantId"> & { locale?: string | null }): Principal {
  return { userId: u.id, email: u.email, role: u.role as Role, tenantId: u.tenantId, locale: u.locale ?? null };
}

export interface NewUser {
  email: string;
  password: string;
  role: Role;
  tenantId: string | null;
}

/** The first run's platform admin; refused (409) once one exists, also when two race. */
export function createFirstAdmin(db: Database, input: { email: string; password: string }): Promise<User> {
  return createUser(db, { ...input, role: "platform_admin", tenantId: null }, async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('konstruct:first-admin'))`);
    const [r] = await tx.select({ n: count() }).from(users).where(eq(users.role, "platform_admin"));
    if ((r?.n ?? 0) > 0) throw new KonstructError("conflict", "the platform admin already exists");
  });
}

export async function createUser(db: Database, input: NewUser, precondition?: (tx: Tx) => Promise<void>): Promise<User> {
  const email = normalizeEmail(input.email);
  await checkPassword(input.password, [email]);
  if ((input.role === "platform_admin") !== (input.tenantId === null))
    throw new KonstructError("bad_request", "role: a platform admin has no tenant; every other role has one");
  const passwordHash = await hashPassword(input.password);
  return db.platform(async (tx) => {
    await precondition?.(tx);
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email));
    if (existing) throw new KonstructError("conflict", `email: ${email} already has an account`);
    const [row] = await tx.insert(users).values({ email, passwordHash, role: input.role, tenantId: input.tenantId }).returning();
    return row!;
  });
}

export async function platformAdminExists(db: Database): Promise<boolean> {
  const [r] = await db.platform((tx) => tx.select({ n: count() }).from(users).where(eq(users.role, "platform_admin")));
  return (r?.n ?? 0) > 0;
}

export async function findUserByEmail(db: Database, email: string): Promise<User | null> {
  const [u] = await db.platform((tx) => tx.select().from(users).where(eq(users.email, email.trim().toLowerCase())));
  return u ?? null;
}

/** Users visible to the principal: all for a platform admin, else those of its own tenant. */
export async function listUsers(db: Database, tenantId: string | null): Promise<Omit<User, "passwordHash" | "totpSecret" | "totpRecovery">[]> {
  // No credential material leaves this function: not the hash, the sealed TOTP secret or recovery hashes.
  const { passwordHash: _, totpSecret: _s, totpRecovery: _r, ...cols } = getTableColumns(users);
  return db.platform((tx) =>
    tx
      .select(cols)
      .from(users)
      .where(tenantId ? eq(users.tenantId, tenantId) : undefined)
      .orderBy(users.email),
  );
}

/** Removes a tenant's user (platform admins are never removed here, so one always remains). */
export async function deleteUser(db: Database, id: string, tenantId: string | null): Promise<boolean> {
  const rows = await db.platform((tx) =>
    tx
      .delete(users)
      .where(and(eq(users.id, id), ne(users.role, "platform_admin"), tenantId ? eq(users.tenantId, tenantId) : undefined))
      .returning({ id: users.id }),
  );
  return rows.length > 0;
}

/**
 * Another role for a tenant's user (tenant admin ↔ operator); never to or from platform admin, and
 * only within `tenantId` when given. The principal is loaded per request, so it applies at once.
 * Null when no such user; otherwise the user and the role it had.
 */
export async function setRole(db: Database, id: string, role: "tenant_admin" | "operator", tenantId: string | null): Promise<{ email: string; tenantId: string | null; from: string } | null> {
  return db.platform(async (tx) => {
    const [u] = await tx
      .select({ email: users.email, tenantId: users.tenantId, role: users.role })
      .from(users)
      .where(and(eq(users.id, id), ne(users.role, "platform_admin"), tenantId ? eq(users.tenantId, tenantId) : undefined))
      .for("update");
    if (!u) return null;
    if (u.role !== role) await tx.update(users).set({ role, updatedAt: new Date() }).where(eq(users.id, id));
    return { email: u.email, tenantId: u.tenantId, from: u.role };
  });
}

/**
 * A new password for a user (console password page, `konstruct admin reset-password`). Every
 * other session of that user ends: whoever held the old password is signed out.
 */
export async function setPassword(db: Database, userId: string, password: string, keepSessionIdHash: string | null = null, email = ""): Promise<void> {
  await checkPassword(password, [email]);
  const passwordHash = await hashPassword(password);
  await db.platform(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
    await tx
      .delete(sessions)
      .where(keepSessionIdHash ? and(eq(sessions.userId, userId), ne(sessions.idHash, keepSessionIdHash)) : eq(sessions.userId, userId));
  });
}
