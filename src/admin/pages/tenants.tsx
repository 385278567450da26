/** @jsxImportSource @kitajs/html */
/** /admin/tenants: list, create, edit, delete (platform admins only; platform-scoped writes). */
import { TenantFormView, TenantList } from "../../../views/admin/tenants.tsx";
import { channels } from "../../db/schema/index.ts";
import { redirect, render } from "../../http/render.ts";
import { requireArea } from "../access.ts";
import { pageNumber } from "../filters.ts";
import { flashMessage, withFlash } from "../flash.ts";
import { slicePage } from "../queries/page.ts";
import { formFields, uuidParam } from "../forms.ts";
import type { AdminContext, ConsoleDeps, Handler } from "../lazy.ts";
import { database } from "../request.ts";
import { deleteTenant, getTenant, listTenants, parseTenantForm, saveTenant } from "../tenants/save.ts";
import { recordConfig } from "../trail/config.ts";
import { t } from "../../i18n/i18n.ts";

export const listTenantsPage: Handler = async (deps, ctx) => {
  requireArea(ctx.principal, "tenants");
  return render(ctx, <TenantList tenants={slicePage(await listTenants(database(deps)), pageNumber(ctx.query.page))} flash={flashMessage(ctx.query.flash)} />, t("nav.tenants"));
};

export const newTenant: Handler = (_deps, ctx) => {
  requireArea(ctx.principal, "tenants");
  return render(ctx, <TenantFormView csrf={ctx.csrfToken} tenant={null} values={{}} />, t("tenants.newTenant"));
};

export const showTenant: Handler = async (deps, ctx) => {
  requireArea(ctx.principal, "tenants");
  const t = await getTenant(database(deps), uuidParam(ctx.params.id, "tenant"));
  return render(ctx, <TenantFormView csrf={ctx.csrfToken} tenant={t} values={{ name: t.name, slug: t.slug }} flash={flashMessage(ctx.query.flash)} />, t.name);
};

async function save(deps: ConsoleDeps, ctx: AdminContext, id: string | null) {
  requireArea(ctx.principal, "tenants");
  const db = database(deps);
  const existing = id ? await getTenant(db, id) : null;
  const fields = formFields(ctx.body);
  const parsed = parseTenantForm(fields);
  const result = parsed.ok ? await saveTenant(db, id, parsed.value) : { errors: parsed.errors };
  if ("errors" in result) return render(ctx, <TenantFormView csrf={ctx.csrfToken} tenant={existing} values={fields} errors={result.errors} />, t("common.tenant"), 400);
  const saved = await getTenant(db, result.id);
  const shape = (t: typeof saved) => ({ slug: t.slug, name: t.name });
  await recordConfig(db, ctx, { tenantId: saved.id, object: "tenant", id: saved.id, name: saved.slug, before: existing && shape(existing), after: shape(saved) });
  return redirect(ctx.request, withFlash(`/admin/tenants/${result.id}`, id ? "saved" : "created"));
}

export const createTenant: Handler = (deps, ctx) => save(deps, ctx, null);
export const updateTenant: Handler = (deps, ctx) => save(deps, ctx, uuidParam(ctx.params.id, "tenant"));

export const removeTenant: Handler = async (deps, ctx) => {
  requireArea(ctx.principal, "tenants");
  const db = database(deps);
  const id = uuidParam(ctx.params.id, "tenant");
  const live = await db.withTenant(id, (tx) => tx.select({ id: channels.id }).from(channels));
  const gone = await getTenant(db, id);
  await deleteTenant(db, id);
  // No tenant admin is left to read the tenant's trail: the platform's keeps this record.
  await recordConfig(db, ctx, { tenantId: null, object: "tenant", id, name: gone.slug, before: { name: gone.name }, after: null });
  // Its connections must stop receiving now, not at the next restart…
  for (const c of live) await deps.connections()?.reload(id, c.id);
  // …and its own LLM keys leave the running pool.
  const pool = deps.pool();
  for (const key of pool?.providers() ?? []) if (key.startsWith(`${id}:`)) pool!.remove(key);
  return redirect(ctx.request, withFlash("/admin/tenants", "deleted"));
};
