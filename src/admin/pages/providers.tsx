/** @jsxImportSource @kitajs/html */
/**
 * /admin/providers: LLM providers & keys. `?scope=platform` (platform admins) edits the platform's
 * providers; `?scope=tenant` a tenant's own (tenant admins of it, BYO keys). Test calls the
 * provider's model list (/v1/models, /api/tags) with the stored key.
 */
import { ProviderFormView, ProvidersView, ProviderTestView } from "../../../views/admin/providers.tsx";
import type { FieldErrors } from "../../../views/admin/form.tsx";
import { KonstructError } from "../../errors.ts";
import { redirect, render } from "../../http/render.ts";
import { requireArea } from "../access.ts";
import { isPlatformAdmin, requirePlatform } from "../auth/principal.ts";
import { flashMessage, withFlash } from "../flash.ts";
import { formFields } from "../forms.ts";
import { maskSecret } from "../mask.ts";
import { deleteProvider, getProvider, listProviders, parseProviderForm, PROVIDER_DEFAULTS, type ProviderRow, poolKey, saveProvider } from "../providers/save.ts";
import type { AdminContext, ConsoleDeps, Handler } from "../lazy.ts";
import { database } from "../request.ts";
import { llmPool, secretBox } from "../running.ts";
import { resolveScope } from "../scope.ts";
import { recordConfig } from "../trail/config.ts";
import { t as tr } from "../../i18n/i18n.ts";

const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The provider table acted on: null = platform's, else a tenant id. */
const target = async (deps: ConsoleDeps, ctx: AdminContext) => {
  const p = requireArea(ctx.principal, "providers");
  const db = database(deps);
  if (ctx.query.scope === "platform") {
    requirePlatform(p);
    return { db, kind: "platform" as const, scope: null };
  }
  const s = await resolveScope(db, p, ctx.query, ctx.cookie);
  if (!s.tenantId) throw new KonstructError("not_found", "create a tenant first");
  requireArea(p, "providers", s.tenantId);
  return { db, kind: "tenant" as const, scope: s.tenantId };
};
const providerId = (id: string | undefined): string => {
  if (!id || !ID.test(id)) throw new KonstructError("not_found", "no such provider");
  return id;
};
const form = (deps: ConsoleDeps, ctx: AdminContext, t: Awaited<ReturnType<typeof target>>, row: ProviderRow | null, values: Record<string, string>, errors?: FieldErrors, status = 200) => {
  const stored = row ? maskSecret(secretBox(deps).unseal(row.apiKey)) : undefined;
  const view = <ProviderFormView csrf={ctx.csrfToken} scope={t.kind} tenantId={t.scope} row={row} values={values} errors={errors} keyStored={stored === "not set" ? undefined : stored} flash={flashMessage(ctx.query.flash)} />;
  return render(ctx, view, row?.id ?? tr("providers.newProvider"), status);
};
// For the trail: the sealed key is compared as bytes, only whether it changed is ever recorded.
const publicOf = (r: ProviderRow) => ({ kind: r.kind, base_url: r.baseUrl, timeout_ms: r.timeoutMs, max_concurrency: r.maxConcurrency });
const sealedOf = (r: ProviderRow) => ({ api_key: Buffer.from(r.apiKey).toString("base64") });
const save = async (deps: ConsoleDeps, ctx: AdminContext, id: string | null) => {
  const t = await target(deps, ctx);
  const existing = id ? await getProvider(t.db, t.scope, id) : null;
  const fields = formFields(ctx.body);
  const parsed = parseProviderForm(fields);
  const result = parsed.ok ? await saveProvider(t.db, secretBox(deps), llmPool(deps), deps.outbound, t.scope, existing, parsed.value) : { errors: parsed.errors };
  if ("errors" in result) return form(deps, ctx, t, existing, fields, result.errors, 400);
  const saved = await getProvider(t.db, t.scope, fields.id ?? "");
  await recordConfig(t.db, ctx, { tenantId: t.scope, object: "provider", id: saved.id, name: saved.id, before: existing && publicOf(existing), after: publicOf(saved), secretsBefore: existing ? sealedOf(existing) : undefined, secretsAfter: sealedOf(saved) });
  const q = `scope=${t.kind}${t.scope ? `&tenant=${t.scope}` : ""}`;
  return redirect(ctx.request, withFlash(`/admin/providers/${fields.id}?${q}`, id ? "saved" : "created"));
};
const values = (r: ProviderRow) => ({ id: r.id, kind: r.kind, base_url: r.baseUrl, timeout_ms: String(r.timeoutMs), max_concurrency: String(r.maxConcurrency) });

export const listProvidersPage: Handler = async (deps, ctx) => {
  const p = requireArea(ctx.principal, "providers");
  const db = database(deps);
  const scope = await resolveScope(db, p, ctx.query, ctx.cookie);
  const platform = isPlatformAdmin(p) ? await listProviders(db, null) : null;
  const platformIds = llmPool(deps).providers().filter((k) => !k.includes(":"));
  const own = scope.tenantId ? await listProviders(db, scope.tenantId) : null;
  return render(ctx, <ProvidersView scope={scope} platform={platform} platformIds={platformIds} own={own} flash={flashMessage(ctx.query.flash)} />, tr("providers.llmProviders"));
};

export const newProvider: Handler = async (deps, ctx) => form(deps, ctx, await target(deps, ctx), null, PROVIDER_DEFAULTS);

export const createProvider: Handler = (deps, ctx) => save(deps, ctx, null);

export const showProvider: Handler = async (deps, ctx) => {
  const t = await target(deps, ctx);
  const row = await getProvider(t.db, t.scope, providerId(ctx.params.id));
  return form(deps, ctx, t, row, values(row));
};

export const updateProvider: Handler = (deps, ctx) => save(deps, ctx, providerId(ctx.params.id));

export const testProvider: Handler = async (deps, ctx) => {
  const at = await target(deps, ctx);
  const row = await getProvider(at.db, at.scope, providerId(ctx.params.id));
  const result = await llmPool(deps).test(poolKey(at.scope, row.id));
  return render(ctx, <ProviderTestView result={result} />, tr("providers.providerTest"));
};

export const removeProvider: Handler = async (deps, ctx) => {
  const t = await target(deps, ctx);
  const row = await getProvider(t.db, t.scope, providerId(ctx.params.id));
  await deleteProvider(t.db, llmPool(deps), t.scope, row.id);
  await recordConfig(t.db, ctx, { tenantId: t.scope, object: "provider", id: row.id, name: row.id, before: publicOf(row), after: null });
  return redirect(ctx.request, withFlash(`/admin/providers${t.scope ? `?tenant=${t.scope}` : ""}`, "deleted"));
};
