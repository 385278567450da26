/** @jsxImportSource @kitajs/html */
/** GET/POST /setup: the first run creates the platform admin and signs them in; afterwards 404. */
import { KonstructError } from "../../errors.ts";
import { redirect, render } from "../../http/render.ts";
import { SetupPage } from "../../../views/admin/setup.tsx";
import { createFirstAdmin, platformAdminExists, toPrincipal } from "../accounts/users.ts";
import type { AdminAuthDeps } from "../auth/plugin.ts";
import { signIn } from "../auth/sign-in.ts";
import { fieldErrors } from "../form-errors.ts";
import type { Handler } from "../lazy.ts";
import { database, formText } from "../request.ts";
import { recordPerson } from "../trail/record.ts";
import { t, tText } from "../../i18n/i18n.ts";

async function gone(deps: AdminAuthDeps) {
  if (await platformAdminExists(database(deps))) throw new KonstructError("not_found", "no such route");
}

export const showSetup: Handler = async (deps, ctx) => {
  await gone(deps);
  return render(ctx, <SetupPage csrf={ctx.csrfToken} />, t("setup.title"));
};

export const submitSetup: Handler = async (deps, ctx) => {
  await gone(deps);
  const db = database(deps);
  const email = formText(ctx.body, "email");
  const password = formText(ctx.body, "password");
  if (password !== formText(ctx.body, "confirm"))
    return render(ctx, <SetupPage csrf={ctx.csrfToken} email={email} errors={{ confirm: tText("formError.passwordsDiffer") }} />, t("setup.title"), 400);
  try {
    const user = await createFirstAdmin(db, { email, password });
    await signIn(db, ctx, user.id, deps.config.admin.session_ttl_hours);
    await recordPerson(db, toPrincipal(user), ctx.client.ip, { kind: "sign_in", summary: "first platform admin created and signed in", data: { setup: true } });
  } catch (e) {
    return render(ctx, <SetupPage csrf={ctx.csrfToken} email={email} errors={fieldErrors(e)} />, t("setup.title"), 400);
  }
  return redirect(ctx.request, "/admin/start");
};
