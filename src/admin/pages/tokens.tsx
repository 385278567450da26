/** @jsxImportSource @kitajs/html */
/** /admin/tokens: the signed-in user's personal access tokens — create (shown once), list, revoke. */
import { KonstructError } from "../../errors.ts";
import { redirect, render } from "../../http/render.ts";
import { TokensPage } from "../../../views/admin/tokens.tsx";
import { requireArea } from "../access.ts";
import { createAccessToken, listAccessTokens, revokeAccessToken } from "../accounts/access-tokens.ts";
import { fieldErrors } from "../form-errors.ts";
import type { Handler } from "../lazy.ts";
import { database, formText, idParam } from "../request.ts";
import { recordPerson } from "../trail/record.ts";
import { t } from "../../i18n/i18n.ts";

export const listTokens: Handler = async (deps, ctx) => {
  const p = requireArea(ctx.principal, "tokens");
  const tokens = await listAccessTokens(database(deps), p.userId);
  return render(ctx, <TokensPage csrf={ctx.csrfToken} role={p.role} tokens={tokens} />, t("nav.tokens"));
};

export const createToken: Handler = async (deps, ctx) => {
  const p = requireArea(ctx.principal, "tokens");
  const db = database(deps);
  try {
    const { id, token } = await createAccessToken(db, p.userId, formText(ctx.body, "name"));
    await recordPerson(db, p, ctx.client.ip, { kind: "access_token", summary: `API token "${formText(ctx.body, "name").trim()}" created`, data: { step: "created", token_id: id, name: formText(ctx.body, "name").trim().slice(0, 100) } });
    return render(ctx, <TokensPage csrf={ctx.csrfToken} role={p.role} tokens={await listAccessTokens(db, p.userId)} created={token} />, t("nav.tokens"));
  } catch (e) {
    const errors = fieldErrors(e, "name");
    return render(ctx, <TokensPage csrf={ctx.csrfToken} role={p.role} tokens={await listAccessTokens(db, p.userId)} errors={errors} />, t("nav.tokens"), 400);
  }
};

export const revokeToken: Handler = async (deps, ctx) => {
  const p = requireArea(ctx.principal, "tokens");
  const id = idParam(ctx.params.id, "token");
  if (!(await revokeAccessToken(database(deps), p.userId, id))) throw new KonstructError("not_found", "no such token");
  await recordPerson(database(deps), p, ctx.client.ip, { kind: "access_token", summary: "API token revoked", data: { step: "revoked", token_id: id } });
  return redirect(ctx.request, "/admin/tokens");
};
