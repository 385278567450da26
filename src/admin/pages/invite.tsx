/** @jsxImportSource @kitajs/html */
/** GET/POST /invite/:token: the invitee sets a password and is signed in; the link then stops working. */
import { Elysia } from "elysia";
import { KonstructError } from "../../errors.ts";
import { redirect, render } from "../../http/render.ts";
import { InviteGonePage, InvitePage } from "../../../views/admin/invite.tsx";
import { acceptInvitation, findLiveInvitation } from "../accounts/invitations.ts";
import { type AdminAuthDeps, adminAuth } from "../auth/plugin.ts";
import { signIn } from "../auth/sign-in.ts";
import { fieldErrors } from "../form-errors.ts";
import { database, formText } from "../request.ts";

export const invitePage = (deps: AdminAuthDeps) =>
  new Elysia()
    .use(adminAuth(deps))
    .get("/invite/:token", async (ctx) => {
      const inv = await findLiveInvitation(database(deps), ctx.params.token);
      if (!inv) return render(ctx, <InviteGonePage />, "Invitation", 404);
      return render(ctx, <InvitePage csrf={ctx.csrfToken} token={ctx.params.token} email={inv.email} role={inv.role} />, "Join Konstruct");
    })
    .post("/invite/:token", async (ctx) => {
      const db = database(deps);
      const token = ctx.params.token;
      const inv = await findLiveInvitation(db, token);
      if (!inv) return render(ctx, <InviteGonePage />, "Invitation", 404);
      const again = (errors: Record<string, string | undefined>) =>
        render(ctx, <InvitePage csrf={ctx.csrfToken} token={token} email={inv.email} role={inv.role} errors={errors} />, "Join Konstruct", 400);
      const password = formText(ctx.body, "password");
      if (password !== formText(ctx.body, "confirm")) return again({ confirm: "the passwords differ" });
      try {
        const user = await acceptInvitation(db, token, password);
        await signIn(db, ctx, user.id, deps.config.admin.session_ttl_hours);
      } catch (e) {
        if (e instanceof KonstructError && e.code === "not_found") return render(ctx, <InviteGonePage />, "Invitation", 404);
        return again(fieldErrors(e, "password"));
      }
      return redirect(ctx.request, "/admin");
    });
