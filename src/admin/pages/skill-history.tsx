/** @jsxImportSource @kitajs/html */
/**
 * /admin/skills/:name/history — a tenant skill's versions (src/versions/skill.ts), each with its
 * line diff to the one before, and "Roll back to this version": the old text is validated again
 * (the rules may have changed since), written, and recorded as a new version. Tenant admins only;
 * another tenant's skill of the same name is another row (RLS), never shown here.
 */
import { SkillHistoryView } from "../../../views/admin/skill.tsx";
import { KonstructError } from "../../errors.ts";
import { redirect, render } from "../../http/render.ts";
import { formatProblem } from "../../skills/manifest.ts";
import { readTenantSkill, writeSkillText } from "../../skills/tenant.ts";
import { diffSnapshots } from "../../versions/diff.ts";
import { getSkillVersion, listSkillVersions, recordSkillVersion } from "../../versions/skill.ts";
import { flashMessage, withFlash } from "../flash.ts";
import { formFields } from "../forms.ts";
import type { Handler } from "../lazy.ts";
import { author, skillParam, skillScope } from "../skills/scope.ts";

const SHOWN = 100;

export const showSkillHistory: Handler = async (deps, ctx) => {
  const { db, tenantId, slug, dataDir } = await skillScope(deps, ctx);
  const name = skillParam(ctx.params.name);
  if (!tenantId || readTenantSkill(dataDir, slug, name) === null) throw new KonstructError("not_found", "no such skill of this tenant");
  const rows = await db.withTenant(tenantId, (tx) => listSkillVersions(tx, tenantId, name, SHOWN + 1));
  const entries = rows.slice(0, SHOWN).map((v, i) => ({ version: v, changes: diffSnapshots(rows[i + 1] ? { "SKILL.md": rows[i + 1]!.text } : null, { "SKILL.md": v.text }) }));
  return render(ctx, <SkillHistoryView csrf={ctx.csrfToken} tenantId={tenantId} name={name} entries={entries} current={rows[0]?.version ?? 0} flash={flashMessage(ctx.query.flash)} />, `History of ${name}`);
};

export const rollbackSkillForm: Handler = async (deps, ctx) => {
  const { db, tenantId, slug, dataDir, catalog } = await skillScope(deps, ctx);
  const name = skillParam(ctx.params.name);
  const v = formFields(ctx.body).version ?? "";
  if (!tenantId || readTenantSkill(dataDir, slug, name) === null || !/^\d{1,9}$/.test(v)) throw new KonstructError("not_found", "no such version");
  const problems = await db.withTenant(tenantId, async (tx) => {
    const old = await getSkillVersion(tx, tenantId, name, Number(v));
    if (!old) throw new KonstructError("not_found", "no such version");
    const found = writeSkillText(dataDir, slug, name, old.text);
    if (!found.length) await recordSkillVersion(tx, tenantId, name, old.text, author(ctx), "rollback");
    return found;
  });
  if (problems.length) throw new KonstructError("bad_request", `version ${v} no longer validates: ${problems.map(formatProblem).join("; ")}`);
  await catalog.load();
  return redirect(ctx.request, withFlash(`/admin/skills/${name}/history?tenant=${tenantId}`, "skill_rolled_back"));
};
