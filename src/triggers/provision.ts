/**
 * Config as code: `tenants[].triggers[]` upserted by name at start (source 'config'); one the
 * config no longer declares is removed, console-made ones are never touched. The URL (public id)
 * of an existing trigger is kept across restarts, so a sender's configuration stays valid; the
 * secret comes from the config (an ${ENV} reference) and is sealed again at every start. Each
 * webhook trigger's URL path is logged, since it is generated here and the sender needs it.
 */
import { and, eq, notInArray } from "drizzle-orm";
import type { Logger } from "pino";
import type { TriggerConfig } from "../config/schema.ts";
import type { Tx } from "../db/database.ts";
import { agents, channels, triggers } from "../db/schema/index.ts";
import { KonstructError } from "../errors.ts";
import type { SecretBox } from "../secrets/box.ts";
import type { InternalEvent } from "./events.ts";
import { createTrigger, type TriggerDefinition, updateTrigger } from "./store.ts";

export async function upsertTriggers(tx: Tx, box: SecretBox, tenantId: string, declared: TriggerConfig[], log?: Logger): Promise<number> {
  for (const c of declared) {
    const [agent] = await tx.select({ id: agents.id }).from(agents).where(eq(agents.slug, c.agent));
    const [channel] = await tx.select({ id: channels.id }).from(channels).where(eq(channels.name, c.channel));
    if (!agent || !channel) throw new KonstructError("config_invalid", `trigger "${c.name}": unknown ${agent ? `channel "${c.channel}"` : `agent "${c.agent}"`}`);
    const def: TriggerDefinition = { name: c.name, kind: c.kind, event: c.kind === "event" ? (c.event as InternalEvent) : null, scheme: c.scheme, agentId: agent.id, channelId: channel.id, chatKey: c.chat, replyTo: c.thread || null, filter: c.filter, template: c.instruction, paused: c.paused };
    const [existing] = await tx.select({ id: triggers.id, publicId: triggers.publicId }).from(triggers).where(eq(triggers.name, c.name));
    let publicId = existing?.publicId;
    try {
      if (existing) await updateTrigger(tx, box, existing.id, def, c.webhook_secret);
      else publicId = (await createTrigger(tx, box, tenantId, def, { secret: c.webhook_secret, source: "config" })).trigger.publicId;
    } catch (e) {
      if (e instanceof KonstructError) throw e;
      throw new KonstructError("config_invalid", `trigger "${c.name}": ${(e as Error).message}`);
    }
    if (c.kind === "webhook") log?.info({ trigger: c.name, path: `/hooks/trigger/${publicId}` }, "trigger URL");
  }
  const names = declared.map((c) => c.name);
  await tx.delete(triggers).where(and(eq(triggers.source, "config"), ...(names.length ? [notInArray(triggers.name, names)] : [])));
  return declared.length;
}
