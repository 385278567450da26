/** @jsxImportSource @kitajs/html */
/** GET/POST /invite/:token: the invitee sets a password and is signed in; the link then stops working. */
import { toPrincipal } from "../accounts/users.ts";
import { recordPerson } from "../trail/record.ts";
import { KonstructError } from "../../errors.ts";
import { redirect, render } from "../../http/render.ts";
import { InviteGonePage, InvitePage } from "../../../views/admin/invite.tsx";
import { acceptInvitation, findLiveInvitation } from "../accounts/invitations.ts";
import { signIn } from "../auth/sign-in.ts";
import { fieldErrors } from "../form-errors.ts";
import type { AdminContext, Handler } from "../lazy.ts";
import { database, formText } from "../request.ts";
import { t, tText } from "../../i18n/i18n.ts";

const gonePage = (ctx: AdminContext) => render(ctx, <InviteGonePage />, t("invite.invitation"), 404);

export const showInvite: Handler = async (deps, ctx) => {
  const inv = await findLiveInvitation(database(deps), ctx.params.token!);
  if (!inv) return gonePage(ctx);
  return render(ctx, <InvitePage csrf={ctx.csrfToken} token={ctx.params.token!} email={inv.email} role={inv.role} />, t("invite.title"));
};

export const acceptInvite: Handler = async (deps, ctx) => {
  const db = database(deps);
  const token = ctx.params.token!;
  const inv = await findLiveInvitation(db, token);
  if (!inv) return gonePage(ctx);
  const again = (errors: Record<string, string | undefined>) =>
    render(ctx, <InvitePage csrf={ctx.csrfToken} token={token} email={inv.email} role={inv.role} errors={errors} />, t("invite.title"), 400);
  const password = formText(ctx.body, "password");
  if (password !== formText(ctx.body, "confirm")) return again({ confirm: tText("formError.passwordsDiffer") });
  try {
    const user = await acceptInvitation(db, token, password);
    await signIn(db, ctx, user.id, deps.config.admin.session_ttl_hours);
    await recordPerson(db, toPrincipal(user), ctx.client.ip, { kind: "invitation", summary: `accepted the invitation as ${inv.role.replace("_", " ")}`, data: { step: "accepted", role: inv.role } });
  } catch (e) {
    if (e instanceof KonstructError && e.code === "not_found") return gonePage(ctx);
    return again(fieldErrors(e, "password"));
  }
  return redirect(ctx.request, "/admin");
};
