/** @jsxImportSource @kitajs/html */
/**
 * /admin/users: users and invitations. A tenant admin sees and invites for its own tenant only; a
 * platform admin for any. An invitation goes out by SMTP when smtp.host is set, otherwise its link
 * is shown once on the page that answers the invite.
 */
import { recordPerson } from "../trail/record.ts";
import { eq } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { tenants } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import { redirect, render } from "../../http/render.ts";
import { UsersPage, type UsersPageProps } from "../../../views/admin/users.tsx";
import { requireArea } from "../access.ts";
import { createInvitation, listPendingInvitations, revokeInvitation } from "../accounts/invitations.ts";
import { deleteUser, listUsers, setRole } from "../accounts/users.ts";
import { isPlatformAdmin, type Principal, tenantFor } from "../auth/principal.ts";
import { flashMessage } from "../flash.ts";
import { fieldErrors } from "../form-errors.ts";
import type { Handler } from "../lazy.ts";
import { invitationMail, publicBase, smtpMailer } from "../mail.ts";
import { database, formText, idParam } from "../request.ts";
import { t, tText } from "../../i18n/i18n.ts";

async function pageProps(db: Database, p: Principal, csrf: string): Promise<UsersPageProps> {
  const scope = isPlatformAdmin(p) ? null : p.tenantId;
  return {
    csrf,
    selfId: p.userId,
    tenants: scope ? null : await db.platform((tx) => tx.select({ id: tenants.id, name: tenants.name }).from(tenants).orderBy(tenants.name)),
    users: await listUsers(db, scope),
    invitations: await listPendingInvitations(db, scope),
    twoFactorPolicy: await db.platform((tx) =>
      tx.select({ id: tenants.id, name: tenants.name, require: tenants.requireTwoFactor }).from(tenants).where(scope ? eq(tenants.id, scope) : undefined).orderBy(tenants.name),
    ),
  };
}

async function tenantExists(db: Database, id: string): Promise<boolean> {
  const [t] = await db.platform((tx) => tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, id)));
  return !!t;
}

export const listUsersPage: Handler = async (deps, ctx) => {
  const p = requireArea(ctx.principal, "users");
  return render(ctx, <UsersPage {...await pageProps(database(deps), p, ctx.csrfToken)} flash={flashMessage(ctx.query.flash)} />, t("nav.users"));
};

export const inviteUser: Handler = async (deps, ctx) => {
  const p = requireArea(ctx.principal, "users");
  const db = database(deps);
  const send = smtpMailer(deps.config.smtp);
  const form = { email: formText(ctx.body, "email"), role: formText(ctx.body, "role"), tenantId: formText(ctx.body, "tenant_id") };
  const tenantId = tenantFor(p, form.tenantId);
  const again = async (extra: Partial<UsersPageProps>, status = 200) =>
    render(ctx, <UsersPage {...await pageProps(db, p, ctx.csrfToken)} form={form} {...extra} />, t("nav.users"), status);
  if (!tenantId || !(await tenantExists(db, idParam(tenantId, "tenant")))) return again({ errors: { tenant_id: tText("formError.chooseTenant") } }, 400);
  let invite: Awaited<ReturnType<typeof createInvitation>>;
  try {
    invite = await createInvitation(db, { ...form, tenantId, invitedBy: p.userId, ttlHours: deps.config.admin.invitation_ttl_hours });
  } catch (e) {
    return again({ errors: fieldErrors(e, "email") }, 400);
  }
  await recordPerson(db, p, ctx.client.ip, { kind: "invitation", tenantId, summary: `invited ${invite.email} as ${form.role.replace("_", " ")}`, data: { step: "sent", email: invite.email, role: form.role } });
  const link = `${publicBase(deps.config, ctx.request)}/invite/${invite.token}`;
  if (!send) return again({ form: {}, flash: tText("mail.invitationCreated", { email: invite.email }), inviteLink: link });
  try {
    await send(invitationMail({ to: invite.email, inviter: p.email, role: invite.role, hours: deps.config.admin.invitation_ttl_hours, link }));
  } catch (e) {
    deps.log.warn({ err: e }, "invitation mail could not be sent");
    return again({ form: {}, flash: tText("mail.invitationFailed", { email: invite.email, reason: (e as Error).message }), inviteLink: link });
  }
  return again({ form: {}, flash: tText("mail.invitationSent", { email: invite.email }) });
};

export const removeUser: Handler = async (deps, ctx) => {
  const p = requireArea(ctx.principal, "users");
  const id = idParam(ctx.params.id, "user");
  if (id === p.userId) throw new KonstructError("bad_request", "you cannot remove yourself");
  if (!(await deleteUser(database(deps), id, isPlatformAdmin(p) ? null : p.tenantId))) throw new KonstructError("not_found", "no such user");
  await recordPerson(database(deps), p, ctx.client.ip, { kind: "user.removed", summary: "removed a user", data: { removed_user_id: id } });
  return redirect(ctx.request, "/admin/users");
};

export const changeRole: Handler = async (deps, ctx) => {
  const p = requireArea(ctx.principal, "users");
  const id = idParam(ctx.params.id, "user");
  const role = formText(ctx.body, "role");
  if (role !== "tenant_admin" && role !== "operator") throw new KonstructError("bad_request", "role: tenant_admin or operator");
  if (id === p.userId) throw new KonstructError("bad_request", "you cannot change your own role");
  const db = database(deps);
  const done = await setRole(db, id, role, isPlatformAdmin(p) ? null : p.tenantId);
  if (!done) throw new KonstructError("not_found", "no such user");
  if (done.from !== role)
    await recordPerson(db, p, ctx.client.ip, { kind: "role.changed", tenantId: done.tenantId, summary: `${done.email}: ${done.from.replace("_", " ")} → ${role.replace("_", " ")}`, data: { target_user_id: id, email: done.email, from: done.from, to: role } });
  return redirect(ctx.request, "/admin/users");
};

export const revokeInvite: Handler = async (deps, ctx) => {
  const p = requireArea(ctx.principal, "users");
  const id = idParam(ctx.params.id, "invitation");
  if (!(await revokeInvitation(database(deps), id, isPlatformAdmin(p) ? null : p.tenantId))) throw new KonstructError("not_found", "no such invitation");
  await recordPerson(database(deps), p, ctx.client.ip, { kind: "invitation", summary: "revoked an invitation", data: { step: "revoked", invitation: id } });
  return redirect(ctx.request, "/admin/users");
};
