/** @jsxImportSource @kitajs/html */
/**
 * /admin/skills/:name — one skill of the tenant (tenant admins): its permissions in plain words,
 * which AI employees may load it (saved as a new version of each changed AI employee), and for the
 * tenant's own skills the SKILL.md editor. A save is validated exactly as `konstruct skills
 * validate` does; an invalid text is shown back with its problems (400) and nothing is written. A
 * valid one is a new version (src/versions/skill.ts) and live at once.
 */
import { eq, sql } from "drizzle-orm";
import { SkillView, type SkillProps } from "../../../views/admin/skill.tsx";
import { agents } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import { redirect, render } from "../../http/render.ts";
import { formatProblem } from "../../skills/manifest.ts";
import { readTenantSkill, writeSkillText } from "../../skills/tenant.ts";
import { lockAgent, recordAgentVersion } from "../../versions/agent.ts";
import { latestSkillVersion, recordSkillVersion } from "../../versions/skill.ts";
import { listAgents } from "../agents/save.ts";
import { flashMessage, withFlash } from "../flash.ts";
import { formText } from "../request.ts";
import type { AdminContext, ConsoleDeps, Handler } from "../lazy.ts";
import { author, skillParam, skillScope } from "../skills/scope.ts";

async function view(deps: ConsoleDeps, ctx: AdminContext, extra: Partial<SkillProps> = {}, status = 200): Promise<Response> {
  const { db, tenantId, slug, dataDir, catalog } = await skillScope(deps, ctx);
  const name = skillParam(ctx.params.name);
  const skill = tenantId ? catalog.forTenant(slug).get(name) : undefined;
  const text = tenantId ? readTenantSkill(dataDir, slug, name) : null;
  if (!tenantId || !skill) throw new KonstructError("not_found", "no such skill");
  const list = (await listAgents(db, tenantId)).map((a) => ({ id: a.id, name: a.name, enabled: !a.enabledSkills || a.enabledSkills.includes(name) }));
  const props: SkillProps = { csrf: ctx.csrfToken, tenantId, skill, agents: list, text, flash: flashMessage(ctx.query.flash), ...extra };
  return render(ctx, <SkillView {...props} />, `Skill ${name}`, status);
}

/** GET /admin/skills/:name */
export const showSkill: Handler = (deps, ctx) => view(deps, ctx);

/** POST /admin/skills/:name — the tenant's own skill's new SKILL.md. */
export const saveSkillForm: Handler = async (deps, ctx) => {
  const { db, tenantId, slug, dataDir, catalog } = await skillScope(deps, ctx);
  const name = skillParam(ctx.params.name);
  const before = tenantId ? readTenantSkill(dataDir, slug, name) : null;
  if (!tenantId || before === null) throw new KonstructError("not_found", "no such skill of this tenant");
  const text = formText(ctx.body, "text").replace(/\r\n/g, "\n");
  let problems: string[] = [];
  await db.withTenant(tenantId, async (tx) => {
    // A skill put there by hand or by `skills import` gets its first version from the file as it was.
    if (!(await latestSkillVersion(tx, tenantId, name))) await recordSkillVersion(tx, tenantId, name, before, "(before the first console save)", "console");
    problems = writeSkillText(dataDir, slug, name, text).map(formatProblem);
    if (!problems.length) await recordSkillVersion(tx, tenantId, name, text, author(ctx), "console");
  });
  if (problems.length) return view(deps, ctx, { text, problems }, 400);
  await catalog.load();
  return redirect(ctx.request, withFlash(`/admin/skills/${name}?tenant=${tenantId}`, "skill_saved"));
};

/**
 * POST /admin/skills/:name/agents — `agent` repeated: the AI employees that may load it. An AI
 * employee without a list (every skill) that loses this one gets the full list minus it.
 */
export const saveSkillAgentsForm: Handler = async (deps, ctx) => {
  const { db, tenantId, slug, catalog } = await skillScope(deps, ctx);
  const name = skillParam(ctx.params.name);
  const all = tenantId ? [...catalog.forTenant(slug).keys()].sort() : [];
  if (!tenantId || !all.includes(name)) throw new KonstructError("not_found", "no such skill");
  const raw = (ctx.body as Record<string, unknown> | null)?.agent;
  const checked = new Set((Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String).slice(0, 1000));
  for (const a of await listAgents(db, tenantId)) {
    const on = !a.enabledSkills || a.enabledSkills.includes(name);
    if (on === checked.has(a.id)) continue;
    const next = checked.has(a.id) ? [...(a.enabledSkills ?? []), name] : (a.enabledSkills ?? all).filter((s) => s !== name);
    await db.withTenant(tenantId, async (tx) => {
      await lockAgent(tx, a.id);
      await tx.update(agents).set({ enabledSkills: next, updatedAt: sql`now()` }).where(eq(agents.id, a.id));
      await recordAgentVersion(tx, a.id, author(ctx), "console");
    });
  }
  return redirect(ctx.request, withFlash(`/admin/skills/${name}?tenant=${tenantId}`, "skill_agents"));
};
