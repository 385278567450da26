/** @jsxImportSource @kitajs/html */
/** GET/POST /setup: the first run creates the platform admin and signs them in; afterwards 404. */
import { Elysia } from "elysia";
import { KonstructError } from "../../errors.ts";
import { redirect, render } from "../../http/render.ts";
import { SetupPage } from "../../../views/admin/setup.tsx";
import { createFirstAdmin, platformAdminExists } from "../accounts/users.ts";
import { type AdminAuthDeps, adminAuth } from "../auth/plugin.ts";
import { signIn } from "../auth/sign-in.ts";
import { fieldErrors } from "../form-errors.ts";
import { database, formText } from "../request.ts";

export const setupPage = (deps: AdminAuthDeps) => {
  const gone = async () => {
    if (await platformAdminExists(database(deps))) throw new KonstructError("not_found", "no such route");
  };
  return new Elysia()
    .use(adminAuth(deps))
    .get("/setup", async (ctx) => {
      await gone();
      return render(ctx, <SetupPage csrf={ctx.csrfToken} />, "Set up Konstruct");
    })
    .post("/setup", async (ctx) => {
      await gone();
      const db = database(deps);
      const email = formText(ctx.body, "email");
      const password = formText(ctx.body, "password");
      if (password !== formText(ctx.body, "confirm"))
        return render(ctx, <SetupPage csrf={ctx.csrfToken} email={email} errors={{ confirm: "the passwords differ" }} />, "Set up Konstruct", 400);
      try {
        const user = await createFirstAdmin(db, { email, password });
        await signIn(db, ctx, user.id, deps.config.admin.session_ttl_hours);
      } catch (e) {
        return render(ctx, <SetupPage csrf={ctx.csrfToken} email={email} errors={fieldErrors(e)} />, "Set up Konstruct", 400);
      }
      return redirect(ctx.request, "/admin");
    });
};
