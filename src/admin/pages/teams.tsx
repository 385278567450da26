/** @jsxImportSource @kitajs/html */
/**
 * /admin/teams: teams of the tenant (src/teams/) — list, create, edit, delete, for its admins. Saving
 * points the named channels at the coordinator (their connections restart at once), which is what
 * "a channel answered by a team" means: the coordinator answers and delegates.
 */
import { inArray } from "drizzle-orm";
import { TeamFormView, TeamList } from "../../../views/admin/teams.tsx";
import type { FieldErrors } from "../../../views/admin/form.tsx";
import { channels } from "../../db/schema/index.ts";
import { redirect, render } from "../../http/render.ts";
import { deleteTeam, getTeam, type LoadedTeam, listTeams, saveTeam } from "../../teams/store.ts";
import { listAgents } from "../agents/save.ts";
import { flashMessage, withFlash } from "../flash.ts";
import { formFields, uuidParam, versionField } from "../forms.ts";
import { secretBox } from "../running.ts";
import { channelKind } from "../../versions/channel.ts";
import { latest, recordVersion } from "../../versions/store.ts";
import { teamKind } from "../../versions/team.ts";
import type { AdminContext, ConsoleDeps, Handler } from "../lazy.ts";
import { pageScope } from "../scope.ts";
import { parseTeamForm, TEAM_DEFAULTS, teamToForm } from "../teams/form.ts";
import { recordConfig } from "../trail/config.ts";
import { t } from "../../i18n/i18n.ts";

const scoped = (deps: ConsoleDeps, ctx: AdminContext) => pageScope(deps, ctx, "teams");

async function form(deps: ConsoleDeps, ctx: AdminContext, tenantId: string, team: LoadedTeam | null, values: Record<string, string> | null, errors?: FieldErrors, status = 200) {
  const { db } = await scoped(deps, ctx);
  const [agents, chans] = await Promise.all([listAgents(db, tenantId), db.withTenant(tenantId, (tx) => tx.select().from(channels).orderBy(channels.name))]);
  const shown = values ?? (team ? teamToForm(team, chans) : TEAM_DEFAULTS);
  return render(ctx, <TeamFormView csrf={ctx.csrfToken} tenantId={tenantId} team={team} agents={agents} channels={chans.map((c) => c.name)} values={shown} errors={errors} flash={flashMessage(ctx.query.flash)} />, team?.team.name ?? t("teams.newTeam"), status);
}

async function save(deps: ConsoleDeps, ctx: AdminContext, id: string | null) {
  const { db, tenantId } = await scoped(deps, ctx);
  if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
  const existing = id ? await getTeam(db, tenantId, id) : null;
  const fields = formFields(ctx.body);
  const [agents, chans] = await Promise.all([listAgents(db, tenantId), db.withTenant(tenantId, (tx) => tx.select().from(channels))]);
  const parsed = parseTeamForm(fields, agents, chans);
  const by = { author: ctx.principal?.email ?? "console", source: "console" as const, expected: id ? versionField(fields.version) : undefined };
  const result = parsed.ok ? await saveTeam(db, tenantId, id, parsed.value, by) : { errors: parsed.errors };
  if ("errors" in result) return form(deps, ctx, tenantId, existing, fields, result.errors, 400);
  const moved = parsed.ok ? parsed.value.channelIds.filter((c) => chans.find((x) => x.id === c)!.agentId !== parsed.value.coordinatorId) : [];
  if (parsed.ok && moved.length) {
    const versions = channelKind(secretBox(deps));
    await db.withTenant(tenantId, async (tx) => {
      await tx.update(channels).set({ agentId: parsed.value.coordinatorId }).where(inArray(channels.id, moved));
      for (const c of moved) await recordVersion(tx, versions, c, by.author, "console");
    });
    for (const c of moved) await deps.connections()?.reload(tenantId, c);
  }
  const saved = await getTeam(db, tenantId, result.id);
  const after = await db.withTenant(tenantId, (tx) => tx.select().from(channels));
  await recordConfig(db, ctx, { tenantId, object: "team", id: result.id, name: saved.team.name, before: existing && teamToForm(existing, chans), after: teamToForm(saved, after) });
  return redirect(ctx.request, withFlash(`/admin/teams/${result.id}?tenant=${tenantId}`, id ? "saved" : "created"));
}

export const listTeamsPage: Handler = async (deps, ctx) => {
  const { db, scope, tenantId } = await scoped(deps, ctx);
  return render(ctx, <TeamList scope={scope} teams={tenantId ? await listTeams(db, tenantId) : []} flash={flashMessage(ctx.query.flash)} />, t("nav.teams"));
};

export const newTeam: Handler = async (deps, ctx) => {
  const { tenantId } = await scoped(deps, ctx);
  if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
  return form(deps, ctx, tenantId, null, null);
};

export const showTeam: Handler = async (deps, ctx) => {
  const { db, tenantId } = await scoped(deps, ctx);
  if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
  const team = await getTeam(db, tenantId, uuidParam(ctx.params.id, "team"));
  const [chans, version] = await db.withTenant(tenantId, async (tx) => [await tx.select().from(channels).orderBy(channels.name), (await latest(tx, teamKind, team.team.id))?.version ?? 0] as const);
  return form(deps, ctx, tenantId, team, { ...teamToForm(team, chans), version: String(version) });
};

export const createTeam: Handler = (deps, ctx) => save(deps, ctx, null);
export const updateTeam: Handler = (deps, ctx) => save(deps, ctx, uuidParam(ctx.params.id, "team"));

export const removeTeam: Handler = async (deps, ctx) => {
  const { db, tenantId } = await scoped(deps, ctx);
  if (!tenantId) return redirect(ctx.request, "/admin/tenants/new");
  const id = uuidParam(ctx.params.id, "team");
  const gone = await getTeam(db, tenantId, id);
  await deleteTeam(db, tenantId, id);
  await recordConfig(db, ctx, { tenantId, object: "team", id, name: gone.team.name, before: {}, after: null });
  return redirect(ctx.request, withFlash(`/admin/teams?tenant=${tenantId}`, "deleted"));
};
