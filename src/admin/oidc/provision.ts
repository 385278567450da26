/**
 * The account behind an OIDC identity. Found by its linked "<issuer> <sub>", else by e-mail (an
 * existing password account of the same person is linked: the company's IdP vouches for the
 * address, and only verified addresses are accepted), else created. Role and tenant are the
 * mapping's on every sign-in, so removing someone from the IdP group demotes or locks them out at
 * their next sign-in. The password of a created account is a random secret no one knows.
 * Except: the last platform admin is never demoted (nor moved to a tenant) by a mapping — an IdP
 * group edited by mistake must not leave the appliance without anyone able to administer it. They
 * keep the role, and the caller logs and audits why (`kept`). The check and the change run under a
 * lock on every platform admin row, so two admins demoted at once cannot both pass it.
 */
import { and, eq, ne, or } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { sessions, tenants, type User, users } from "../../db/schema/index.ts";
import { newSecretToken } from "../auth/secret-token.ts";
import { hashPassword, normalizeEmail } from "../accounts/users.ts";
import type { Grant } from "./mapping.ts";

export type Provisioned = { user: User; created: boolean; kept?: string } | { refused: string };

export async function provision(db: Database, subject: string, rawEmail: string, grant: Grant): Promise<Provisioned> {
  let email: string;
  try {
    email = normalizeEmail(rawEmail);
  } catch {
    return { refused: "the identity provider sent no usable e-mail address" };
  }
  const passwordHash = await hashPassword(newSecretToken());
  return db.platform(async (tx) => {
    let tenantId: string | null = null;
    if (grant.tenant !== undefined) {
      const [t] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, grant.tenant));
      if (!t) return { refused: `the mapping names tenant "${grant.tenant}", which does not exist` };
      tenantId = t.id;
    }
    const found = await tx.select().from(users).where(or(eq(users.oidcSubject, subject), eq(users.email, email))).for("update");
    const user = found.find((u) => u.oidcSubject === subject) ?? found[0];
    if (!user) {
      const [row] = await tx.insert(users).values({ email, passwordHash, role: grant.role, tenantId, oidcSubject: subject }).returning();
      return { user: row!, created: true };
    }
    if (user.oidcSubject && user.oidcSubject !== subject) return { refused: "this e-mail address is linked to another identity" };
    if (user.role === "platform_admin" && grant.role !== "platform_admin") {
      const others = await tx.select({ id: users.id }).from(users).where(and(eq(users.role, "platform_admin"), ne(users.id, user.id))).for("update");
      if (!others.length) {
        const [row] = await tx.update(users).set({ oidcSubject: subject, updatedAt: new Date() }).where(eq(users.id, user.id)).returning();
        return { user: row!, created: false, kept: `the mapping makes them ${grant.role}, but they are the last platform admin` };
      }
    }
    const moved = user.role !== grant.role || user.tenantId !== tenantId;
    // A person moved to another tenant or role starts clean: their old sessions end.
    if (moved) await tx.delete(sessions).where(eq(sessions.userId, user.id));
    const [row] = await tx.update(users).set({ role: grant.role, tenantId, oidcSubject: subject, updatedAt: new Date() }).where(eq(users.id, user.id)).returning();
    return { user: row!, created: false };
  });
}
