/**
 * /api/v1/tenants/:tenantId/channels: channel connections, read-only here. Credentials never
 * leave the sealed column: the select names every column it returns and `secrets` is not one.
 */
import { eq } from "drizzle-orm";
import type { Config } from "../../config/schema.ts";
import { channels } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import type { Handler } from "../lazy.ts";
import { idParam } from "../request.ts";
import { tenantScope } from "./common.ts";

const PUBLIC_COLUMNS = {
  id: channels.id,
  tenantId: channels.tenantId,
  agentId: channels.agentId,
  kind: channels.kind,
  name: channels.name,
  mode: channels.mode,
  settings: channels.settings,
  source: channels.source,
  createdAt: channels.createdAt,
  updatedAt: channels.updatedAt,
};

type ChannelRow = { [K in keyof typeof PUBLIC_COLUMNS]: (typeof PUBLIC_COLUMNS)[K]["_"]["data"] };

function channelJson(c: ChannelRow, config: Config) {
  const base = config.server.public_url.replace(/\/+$/, "");
  return {
    id: c.id,
    tenant_id: c.tenantId,
    agent_id: c.agentId,
    kind: c.kind,
    name: c.name,
    mode: c.mode,
    settings: c.settings,
    /** Where Slack Events / Telegram webhooks must be sent; null without server.public_url. */
    webhook_url: base ? `${base}/hooks/${c.kind}/${c.id}` : null,
    source: c.source,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  };
}

export const listChannels: Handler = async (deps, { principal, params }) => {
  const { db, tenantId } = await tenantScope(deps, principal, "channels", params.tenantId);
  const rows = await db.withTenant(tenantId, (tx) => tx.select(PUBLIC_COLUMNS).from(channels).orderBy(channels.name));
  return { items: rows.map((c) => channelJson(c, deps.config)) };
};

export const getChannel: Handler = async (deps, { principal, params }) => {
  const { db, tenantId } = await tenantScope(deps, principal, "channels", params.tenantId);
  const [c] = await db.withTenant(tenantId, (tx) => tx.select(PUBLIC_COLUMNS).from(channels).where(eq(channels.id, idParam(params.id, "channel"))));
  if (!c) throw new KonstructError("not_found", "no such channel");
  return channelJson(c, deps.config);
};
