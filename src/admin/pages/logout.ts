/** POST /logout: deletes the session row (a copied cookie dies with it) and clears the cookie. */
import { redirect } from "../../http/render.ts";
import { destroySession } from "../accounts/sessions.ts";
import { cookieOptions, SESSION_COOKIE } from "../auth/plugin.ts";
import type { Handler } from "../lazy.ts";
import { database } from "../request.ts";
import { recordPerson } from "../trail/record.ts";

export const logout: Handler = async (deps, ctx) => {
  if (ctx.sessionId) await destroySession(database(deps), ctx.sessionId);
  if (ctx.principal) await recordPerson(database(deps), ctx.principal, ctx.client.ip, { kind: "sign_out", summary: "signed out" });
  ctx.cookie[SESSION_COOKIE]!.set({ value: "", ...cookieOptions(ctx.client), maxAge: 0 });
  return redirect(ctx.request, "/login");
};
