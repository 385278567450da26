/**
 * /api/v1/tenants/:tenantId/teams: a coordinator and its specialists (src/teams/), tenant admins.
 * Saving goes through the same store as the Teams page (its checks, its cache drop); a refusal is a
 * 400 naming the field. Pointing channels at the coordinator stays with the page and the config
 * (it restarts connections). A team declared in konstruct.config.yaml is rewritten at the next start.
 */
import { z } from "zod";
import { KonstructError } from "../../errors.ts";
import { deleteTeam as removeTeam, getTeam as loadTeam, listTeams as loadTeams, type LoadedTeam, MAX_FANOUT, MAX_SPECIALISTS, saveTeam, type TeamInput } from "../../teams/store.ts";
import type { Handler } from "../lazy.ts";
import { idParam } from "../request.ts";
import { parseBody, tenantScope } from "./common.ts";

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "a-z, 0-9 and '-'");
const teamInput = z.strictObject({
  slug,
  name: z.string().min(1).max(200),
  coordinator_id: z.uuid(),
  max_fanout: z.number().int().min(1).max(MAX_FANOUT).default(3),
  specialists: z.array(z.strictObject({ agent_id: z.uuid(), description: z.string().min(1).max(1000) })).max(MAX_SPECIALISTS).default([]),
});

function teamJson(t: LoadedTeam) {
  return {
    id: t.team.id,
    tenant_id: t.team.tenantId,
    slug: t.team.slug,
    name: t.team.name,
    coordinator_id: t.team.coordinatorId,
    max_fanout: t.team.maxFanout,
    specialists: t.specialists.map((s) => ({ agent_id: s.agent.id, slug: s.agent.slug, description: s.description })),
    created_at: t.team.createdAt,
    updated_at: t.team.updatedAt,
  };
}

const toInput = (b: z.infer<typeof teamInput>): TeamInput => ({
  slug: b.slug,
  name: b.name,
  coordinatorId: b.coordinator_id,
  maxFanout: b.max_fanout,
  members: b.specialists.map((s) => ({ agentId: s.agent_id, description: s.description })),
});

function saved(r: { id: string } | { errors: Record<string, string> }): string {
  if ("id" in r) return r.id;
  const [field, message] = Object.entries(r.errors)[0]!;
  throw new KonstructError("bad_request", `${field === "members" ? "specialists" : field === "coordinator" ? "coordinator_id" : field}: ${message}`);
}

export const listTeams: Handler = async (deps, { principal, params }) => {
  const { db, tenantId } = await tenantScope(deps, principal, "teams", params.tenantId);
  return { items: (await loadTeams(db, tenantId)).map(teamJson) };
};

export const getTeam: Handler = async (deps, { principal, params }) => {
  const { db, tenantId } = await tenantScope(deps, principal, "teams", params.tenantId);
  return teamJson(await loadTeam(db, tenantId, idParam(params.id, "team")));
};

export const createTeam: Handler = async (deps, { principal, params, body, set }) => {
  const { db, tenantId, principal: who } = await tenantScope(deps, principal, "teams", params.tenantId);
  const id = saved(await saveTeam(db, tenantId, null, toInput(parseBody(teamInput, body)), { author: who.email, source: "api" }));
  set.status = 201;
  return teamJson(await loadTeam(db, tenantId, id));
};

/** Fields not given are kept; `specialists`, when given, replaces the list. */
export const patchTeam: Handler = async (deps, { principal, params, body }) => {
  const { db, tenantId, principal: who } = await tenantScope(deps, principal, "teams", params.tenantId);
  const cur = teamJson(await loadTeam(db, tenantId, idParam(params.id, "team")));
  // Only the keys sent: partial() still fills defaults (an omitted `specialists` would empty the team).
  const given = Object.fromEntries(Object.entries(parseBody(teamInput.partial(), body)).filter(([k]) => Object.hasOwn(body as object, k)));
  const kept = { slug: cur.slug, name: cur.name, coordinator_id: cur.coordinator_id, max_fanout: cur.max_fanout, specialists: cur.specialists.map(({ agent_id, description }) => ({ agent_id, description })) };
  const merged = parseBody(teamInput, { ...kept, ...given });
  saved(await saveTeam(db, tenantId, cur.id, toInput(merged), { author: who.email, source: "api" }));
  return teamJson(await loadTeam(db, tenantId, cur.id));
};

export const deleteTeam: Handler = async (deps, { principal, params, set }) => {
  const { db, tenantId } = await tenantScope(deps, principal, "teams", params.tenantId);
  const t = await loadTeam(db, tenantId, idParam(params.id, "team"));
  await removeTeam(db, tenantId, t.team.id);
  set.status = 204;
  return null;
};
