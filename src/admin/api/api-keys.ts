/**
 * /api/v1/tenants/:tenantId/api-keys: keys of the OpenAI-compatible API (src/openai/), for the
 * tenant's admins. A key is for the whole tenant or (agent_id) one AI employee; the key itself is
 * in the creation response only, never again.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { agents } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import { createApiKey, listApiKeys, revokeApiKey } from "../../openai/keys.ts";
import type { Handler } from "../lazy.ts";
import { idParam } from "../request.ts";
import { parseBody, tenantScope } from "./common.ts";
import { recordPerson } from "../trail/record.ts";

const keyInput = z.strictObject({ name: z.string().trim().min(1, "is required").max(100), agent_id: z.uuid().nullish() });

export const listKeys: Handler = async (deps, { principal, params }) => {
  const { db, tenantId } = await tenantScope(deps, principal, "agents", params.tenantId);
  const rows = await listApiKeys(db, tenantId);
  return { items: rows.map((k) => ({ id: k.id, name: k.name, prefix: k.prefix, agent_id: k.agentId, created_at: k.createdAt, last_used_at: k.lastUsedAt, revoked_at: k.revokedAt })) };
};

export const createKey: Handler = async (deps, { principal, params, body, client }) => {
  const { db, tenantId, principal: who } = await tenantScope(deps, principal, "agents", params.tenantId);
  const input = parseBody(keyInput, body);
  const agentId = input.agent_id ?? null;
  if (agentId) {
    const [a] = await db.withTenant(tenantId, (tx) => tx.select({ id: agents.id }).from(agents).where(eq(agents.id, agentId)));
    if (!a) throw new KonstructError("not_found", "no such AI employee");
  }
  const { id, key } = await createApiKey(db, { tenantId, agentId, name: input.name, createdBy: who.userId });
  await recordPerson(db, who, client.ip, { kind: "api_key", tenantId, summary: `API key "${input.name.trim()}" created`, data: { step: "created", key_id: id, agent_id: agentId, name: input.name.trim().slice(0, 100) } });
  return new Response(JSON.stringify({ id, name: input.name, agent_id: agentId, key }), { status: 201, headers: { "content-type": "application/json" } });
};

export const revokeKey: Handler = async (deps, { principal, params, client }) => {
  const { db, tenantId, principal: who } = await tenantScope(deps, principal, "agents", params.tenantId);
  const id = idParam(params.id, "API key");
  if (!(await revokeApiKey(db, tenantId, id))) throw new KonstructError("not_found", "no such API key");
  await recordPerson(db, who, client.ip, { kind: "api_key", tenantId, summary: "API key revoked", data: { step: "revoked", key_id: id } });
  return { revoked: true };
};
