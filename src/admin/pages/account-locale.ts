/**
 * POST /admin/account/locale: any signed-in user picks the console's language for themselves
 * ("" = follow the browser). Only a language the catalogues have is stored (src/i18n).
 */
import { eq } from "drizzle-orm";
import { users } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import { redirect } from "../../http/render.ts";
import { isLocale } from "../../i18n/i18n.ts";
import { requireRead } from "../auth/principal.ts";
import { withFlash } from "../flash.ts";
import type { Handler } from "../lazy.ts";
import { database, formText } from "../request.ts";

export const saveLocale: Handler = async (deps, ctx) => {
  const p = requireRead(ctx.principal);
  const chosen = formText(ctx.body, "locale");
  if (chosen !== "" && !isLocale(chosen)) throw new KonstructError("bad_request", "locale: one of the console's languages, or empty for the browser's");
  await database(deps).platform((tx) => tx.update(users).set({ locale: chosen || null }).where(eq(users.id, p.userId)));
  return redirect(ctx.request, withFlash("/admin/password", "locale_saved"));
};
