/** @jsxImportSource @kitajs/html */
/**
 * /admin/history/:kind/:id — the History of any versioned object (src/versions/): its versions with a
 * diff each, and "Roll back to this version" (POST, CSRF-checked by adminAuth; the result is a new
 * version). Tenant admins of the object's tenant only; another tenant's object is a 404 (RLS hides its
 * rows). /admin/agents/:id/history is the same page for an AI employee.
 */
import { HistoryView } from "../../../views/admin/history.tsx";
import { KonstructError } from "../../errors.ts";
import { redirect, render } from "../../http/render.ts";
import { versionedKinds } from "../../versions/kinds.ts";
import { listVersions, rollback, type VersionedKind } from "../../versions/store.ts";
import { diffSnapshots } from "../../versions/diff.ts";
import type { Area } from "../access.ts";
import { requireAdmin } from "../auth/principal.ts";
import { flashMessage, withFlash } from "../flash.ts";
import { formFields, isUniqueViolation, uuidParam } from "../forms.ts";
import type { AdminContext, ConsoleDeps, Handler } from "../lazy.ts";
import { secretBox } from "../running.ts";
import { pageScope } from "../scope.ts";

/** Where each kind lives in the console. A new kind adds its row (and its VersionedKind in src/versions/kinds.ts). */
const PAGES: Record<string, { area: Area; page: (id: string) => string; history?: (id: string) => string }> = {
  agent: { area: "agents", page: (id) => `/admin/agents/${id}`, history: (id) => `/admin/agents/${id}` },
  team: { area: "teams", page: (id) => `/admin/teams/${id}` },
  channel: { area: "channels", page: (id) => `/admin/channels/${id}` },
  schedule: { area: "schedules", page: () => "/admin/schedules" },
};
/** The History page's own path, to which "/rollback" is appended ("/history" for an agent's page). */
const base = (kind: string, id: string) => PAGES[kind]?.history?.(id) ?? `/admin/history/${kind}/${id}`;

/** Versions shown on one page; older ones stay stored. */
const SHOWN = 100;

async function scoped(deps: ConsoleDeps, ctx: AdminContext, kindName: string) {
  const page = PAGES[kindName];
  const kind = versionedKinds(secretBox(deps)).get(kindName);
  if (!page || !kind) throw new KonstructError("not_found", "no such history");
  const { p, db, tenantId } = await pageScope(deps, ctx, page.area);
  if (!tenantId) throw new KonstructError("not_found", "no such history");
  requireAdmin(p, tenantId);
  return { db, tenantId, kind, page, id: uuidParam(ctx.params.id, kind.noun) };
}

async function show(deps: ConsoleDeps, ctx: AdminContext, kindName: string, error?: string) {
  const { db, tenantId, kind, page, id } = await scoped(deps, ctx, kindName);
  // One more than shown: the oldest shown version is diffed against the one before it.
  const [rows, now] = await db.withTenant(tenantId, async (tx) => [await listVersions(tx, kind, id, SHOWN + 1), await kind.snapshot(tx, id)] as const);
  if (!rows.length && !now) throw new KonstructError("not_found", `no such ${kind.noun}`);
  const name = now?.name ?? String(rows[0]!.config.name ?? kind.noun);
  const entries = rows.slice(0, SHOWN).map((v, i) => ({ version: v, changes: diffSnapshots(rows[i + 1]?.config ?? null, v.config) }));
  const q = `?tenant=${tenantId}`;
  const rollbackAction = `${base(kindName, id)}/rollback${q}`;
  const view = <HistoryView csrf={ctx.csrfToken} noun={kind.noun} name={name} back={now ? page.page(id) + q : null} rollback={rollbackAction} entries={entries} current={rows[0]?.version ?? 0} flash={error ?? flashMessage(ctx.query.flash)} flashError={Boolean(error)} />;
  return render(ctx, view, `History of ${name}`, error ? 400 : 200);
}

async function roll(deps: ConsoleDeps, ctx: AdminContext, kindName: string) {
  const { db, tenantId, kind, id } = await scoped(deps, ctx, kindName);
  const v = formFields(ctx.body).version ?? "";
  if (!/^\d{1,9}$/.test(v)) throw new KonstructError("not_found", "no such version");
  try {
    await db.withTenant(tenantId, (tx) => rollback(tx, kind, id, Number(v), ctx.principal?.email ?? "console"));
  } catch (e) {
    if (isUniqueViolation(e)) return show(deps, ctx, kindName, `Not rolled back: another ${kind.noun} has that version's name or slug now.`);
    if (e instanceof KonstructError && e.code === "bad_request") return show(deps, ctx, kindName, `Not rolled back: ${e.message}.`);
    throw e;
  }
  await restarted(deps, kind, tenantId, id);
  const back = kindName === "agent" ? `/admin/agents/${id}/history` : base(kindName, id);
  return redirect(ctx.request, withFlash(`${back}?tenant=${tenantId}`, "rolled_back"));
}

/** A rolled-back channel runs with its old settings at once, as after a save. */
async function restarted(deps: ConsoleDeps, kind: VersionedKind, tenantId: string, id: string) {
  if (kind.kind !== "channel") return;
  try {
    await deps.connections()?.reload(tenantId, id);
  } catch (e) {
    deps.log.warn({ err: e, channel: id }, "channel rolled back but its connection did not start");
  }
}

export const showHistory: Handler = (deps, ctx) => show(deps, ctx, String(ctx.params.kind ?? ""));
export const rollbackForm: Handler = (deps, ctx) => roll(deps, ctx, String(ctx.params.kind ?? ""));
export const showAgentHistory: Handler = (deps, ctx) => show(deps, ctx, "agent");
export const rollbackAgentForm: Handler = (deps, ctx) => roll(deps, ctx, "agent");
