/** @jsxImportSource @kitajs/html */
/**
 * /admin/api-keys: the tenant's keys for the OpenAI-compatible API (src/openai/) — list, create,
 * revoke — for its admins only (the area's least role; CSRF like every console form). A new key is
 * in the response to its creation only: rendered, never redirected, so it is never in a URL, a
 * flash key or the database (which keeps its SHA-256). Every statement names the scoped tenant, so
 * another tenant's key id finds nothing (404).
 */
import { ApiKeysView, type ApiKeysProps } from "../../../views/admin/api-keys.tsx";
import { KonstructError } from "../../errors.ts";
import { redirect, render } from "../../http/render.ts";
import { createApiKey, listApiKeys, revokeApiKey } from "../../openai/keys.ts";
import { listAgents } from "../agents/save.ts";
import { requireAdmin } from "../auth/principal.ts";
import { flashMessage, withFlash } from "../flash.ts";
import type { AdminContext as PageCtx } from "../lazy.ts";
import { formText, idParam } from "../request.ts";
import type { AdminDeps } from "../routes.ts";
import { pageScope } from "../scope.ts";
import { getTenant } from "../tenants/save.ts";
import { recordPerson } from "../trail/record.ts";
import { t } from "../../i18n/i18n.ts";

async function scoped(deps: AdminDeps, ctx: PageCtx) {
  const s = await pageScope(deps, ctx, "api_keys");
  if (s.tenantId) requireAdmin(s.p, s.tenantId);
  return s;
}

async function view(deps: AdminDeps, ctx: PageCtx, extra: Partial<ApiKeysProps> = {}, status = 200): Promise<Response> {
  const { db, scope, tenantId } = await scoped(deps, ctx);
  const base = deps.config.server.public_url.replace(/\/+$/, "");
  const props: ApiKeysProps = { scope, csrf: ctx.csrfToken, base, tenantSlug: "", keys: null, agents: [], flash: flashMessage(ctx.query.flash), ...extra };
  if (tenantId) {
    const [tenant, keys, agents] = await Promise.all([getTenant(db, tenantId), listApiKeys(db, tenantId), listAgents(db, tenantId)]);
    Object.assign(props, { tenantSlug: tenant.slug, keys, agents: agents.map((a) => ({ id: a.id, slug: a.slug, name: a.name })) });
  }
  return render(ctx, <ApiKeysView {...props} />, t("nav.api_keys"), status);
}

/** GET /admin/api-keys */
export const showApiKeys = (deps: AdminDeps, ctx: PageCtx) => view(deps, ctx);

/** POST /admin/api-keys — answers with the page showing the new key once. */
export async function createApiKeyForm(deps: AdminDeps, ctx: PageCtx): Promise<Response> {
  const { p, db, tenantId } = await scoped(deps, ctx);
  if (!tenantId) throw new KonstructError("not_found", "no tenant");
  const values = { name: formText(ctx.body, "name").slice(0, 500), agent_id: formText(ctx.body, "agent_id").slice(0, 100) };
  const agents = await listAgents(db, tenantId);
  const agent = values.agent_id ? agents.find((a) => a.id === values.agent_id) : null;
  if (agent === undefined) return view(deps, ctx, { values, errors: { agent_id: "no such AI employee" } }, 400);
  if (!values.name.trim() || values.name.trim().length > 100) return view(deps, ctx, { values, errors: { name: "1-100 characters" } }, 400);
  const { id, key } = await createApiKey(db, { tenantId, agentId: agent?.id ?? null, name: values.name, createdBy: p.userId });
  await recordPerson(db, p, ctx.client.ip, { kind: "api_key", tenantId, summary: `API key "${values.name.trim()}" created`, data: { step: "created", key_id: id, agent_id: agent?.id ?? null, name: values.name.trim().slice(0, 100) } });
  return view(deps, ctx, { created: { name: values.name.trim(), key, agentSlug: agent?.slug ?? agents[0]?.slug ?? "<agent>" } });
}

/** POST /admin/api-keys/:id/revoke */
export async function revokeApiKeyForm(deps: AdminDeps, ctx: PageCtx): Promise<Response> {
  const { p, db, tenantId } = await scoped(deps, ctx);
  const id = idParam(ctx.params.id, "API key");
  if (!tenantId || !(await revokeApiKey(db, tenantId, id))) throw new KonstructError("not_found", "no such API key");
  await recordPerson(db, p, ctx.client.ip, { kind: "api_key", tenantId, summary: "API key revoked", data: { step: "revoked", key_id: id } });
  return redirect(ctx.request, withFlash(`/admin/api-keys?tenant=${tenantId}`, "key_revoked"));
}
