/**
 * An admin's side of two-factor sign-in (src/admin/two-factor/): remove a user's second factor
 * (they lost their phone and their recovery codes; they can set it up again), and the tenant's
 * rule that every password sign-in needs one. A tenant admin acts on their own tenant, a platform
 * admin on any; a platform admin's own factor is removed only by another platform admin or
 * `konstruct admin reset-2fa`. Both are audited as `two_factor`.
 */
import { and, eq } from "drizzle-orm";
import { tenants, users } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import { redirect } from "../../http/render.ts";
import { requireArea } from "../access.ts";
import { isPlatformAdmin, tenantFor } from "../auth/principal.ts";
import { withFlash } from "../flash.ts";
import type { Handler } from "../lazy.ts";
import { database, formText, idParam } from "../request.ts";
import { recordPerson } from "../trail/record.ts";
import { removeTwoFactor } from "../two-factor/store.ts";

export const resetUserTwoFactor: Handler = async (deps, ctx) => {
  const p = requireArea(ctx.principal, "users");
  const id = idParam(ctx.params.id, "user");
  if (id === p.userId) throw new KonstructError("bad_request", "turn off your own two-factor sign-in under Your account");
  const db = database(deps);
  const scope = isPlatformAdmin(p) ? undefined : eq(users.tenantId, p.tenantId!);
  const [target] = await db.platform((tx) => tx.select({ email: users.email, tenantId: users.tenantId }).from(users).where(and(eq(users.id, id), scope)));
  if (!target) throw new KonstructError("not_found", "no such user");
  if (await removeTwoFactor(db, id))
    await recordPerson(db, p, ctx.client.ip, { kind: "two_factor", tenantId: target.tenantId, summary: `removed the two-factor sign-in of ${target.email}`, data: { step: "reset", target_user_id: id, email: target.email } });
  return redirect(ctx.request, withFlash("/admin/users", "two_factor_reset"));
};

export const saveTwoFactorPolicy: Handler = async (deps, ctx) => {
  const p = requireArea(ctx.principal, "users");
  const tenantId = tenantFor(p, formText(ctx.body, "tenant_id"));
  if (!tenantId) throw new KonstructError("bad_request", "tenant_id: choose a tenant");
  const require = formText(ctx.body, "require") === "on";
  const db = database(deps);
  const done = await db.platform((tx) => tx.update(tenants).set({ requireTwoFactor: require, updatedAt: new Date() }).where(eq(tenants.id, idParam(tenantId, "tenant"))).returning({ id: tenants.id }));
  if (!done.length) throw new KonstructError("not_found", "no such tenant");
  await recordPerson(db, p, ctx.client.ip, { kind: "two_factor", tenantId, summary: require ? "required two-factor sign-in for this tenant" : "stopped requiring two-factor sign-in for this tenant", data: { step: "policy", require } });
  return redirect(ctx.request, withFlash("/admin/users", "two_factor_policy"));
};
