/** @jsxImportSource @kitajs/html */
/**
 * /admin/skills: every skill a tenant's AI employees can load, in plain words, and the upload of a
 * skill folder (a zip, or a folder's files) — tenant admins only, CSRF like every console form.
 * An upload is bounded and validated (src/skills/upload.ts) before anything is written; a valid
 * one becomes the tenant's own skill, version 1 of its history, live at once (catalogue reloaded).
 */
import { SkillsView, type SkillsProps } from "../../../views/admin/skills.tsx";
import { KonstructError } from "../../errors.ts";
import { redirect, render } from "../../http/render.ts";
import { formatProblem } from "../../skills/manifest.ts";
import { readTenantSkill, tenantSkillsDir, writeSkillFolder } from "../../skills/tenant.ts";
import { unpackSkill, type Unpacked } from "../../skills/upload.ts";
import { recordSkillVersion } from "../../versions/skill.ts";
import { listAgents } from "../agents/save.ts";
import { flashMessage, withFlash } from "../flash.ts";
import type { AdminContext, ConsoleDeps, Handler } from "../lazy.ts";
import { recordPerson } from "../trail/record.ts";
import { author, skillScope } from "../skills/scope.ts";
import { t } from "../../i18n/i18n.ts";

async function view(deps: ConsoleDeps, ctx: AdminContext, extra: Partial<SkillsProps> = {}, status = 200): Promise<Response> {
  const { db, scope, tenantId, slug, catalog } = await skillScope(deps, ctx);
  const props: SkillsProps = { scope, csrf: ctx.csrfToken, skills: null, agentCount: 0, problems: [], flash: flashMessage(ctx.query.flash), ...extra };
  if (tenantId) {
    const agents = await listAgents(db, tenantId);
    const mine = tenantSkillsDir("", slug);
    props.skills = [...catalog.forTenant(slug).values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((s) => ({ name: s.name, description: s.description, source: s.source, manifest: s.manifest, declared: s.declared, agents: agents.filter((a) => !a.enabledSkills || a.enabledSkills.includes(s.name)).length }));
    props.agentCount = agents.length;
    // Only this tenant's and the shared folder's problems: another tenant's file names stay theirs.
    props.problems = catalog.problems().filter((p) => p.file.includes(mine) || !p.file.includes("/tenants/")).map(formatProblem);
  }
  return render(ctx, <SkillsView {...props} />, t("mcp.skills"), status);
}

/** GET /admin/skills */
export const showSkills: Handler = (deps, ctx) => view(deps, ctx);

const asFile = (v: unknown): File[] => (Array.isArray(v) ? v : [v]).filter((f): f is File => f instanceof File && f.size > 0);

/** POST /admin/skills/upload — multipart: `zip` (one .zip) or `files` (a folder's files by relative path). */
export const uploadSkillForm: Handler = async (deps, ctx) => {
  const { p, db, tenantId, slug, dataDir, catalog } = await skillScope(deps, ctx);
  if (!tenantId) throw new KonstructError("not_found", "no tenant");
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  const [zip] = asFile(body.zip);
  const files = asFile(body.files);
  let u: Unpacked;
  if (zip) u = unpackSkill({ zip: new Uint8Array(await zip.arrayBuffer()) });
  else if (files.length) u = unpackSkill({ files: await Promise.all(files.slice(0, 1000).map(async (f) => ({ path: f.name, data: new Uint8Array(await f.arrayBuffer()) }))) });
  else u = { ok: false, errors: ["choose a zip file or a folder to upload"] };
  if (!u.ok) return view(deps, ctx, { uploadErrors: u.errors }, 400);
  const { folder, files: unpacked } = u;
  if (readTenantSkill(dataDir, slug, folder) !== null)
    return view(deps, ctx, { uploadErrors: [`${folder}: the tenant already has a skill of that name — edit it on its page instead`] }, 400);
  const text = new TextDecoder().decode(unpacked.get("SKILL.md")!);
  await db.withTenant(tenantId, async (tx) => {
    await recordSkillVersion(tx, tenantId, folder, text, author(ctx), "upload");
    writeSkillFolder(dataDir, slug, folder, unpacked);
  });
  await catalog.load();
  await recordPerson(db, p, ctx.client.ip, { kind: "config", tenantId, summary: `Skill "${folder}" uploaded`, data: { step: "uploaded", skill: folder, files: unpacked.size } });
  return redirect(ctx.request, withFlash(`/admin/skills/${folder}?tenant=${tenantId}`, "skill_uploaded"));
};
