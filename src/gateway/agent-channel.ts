/**
 * Channels the appliance itself serves (the web chat, the OpenAI-compatible API): one row per agent
 * and kind, created on first use by a write (never by a GET) and started like any connection.
 */
import { and, eq } from "drizzle-orm";
import type { Database } from "../db/database.ts";
import { agents, channels } from "../db/schema/index.ts";
import { KonstructError } from "../errors.ts";
import type { SecretBox } from "../secrets/box.ts";
import type { Connections } from "./connections.ts";

export type OwnKind = "webchat" | "api";

/** The agent's connection of `kind`, created and started if needed; its channel id. */
export async function agentChannel(db: Database, box: SecretBox, connections: Connections | null, tenantId: string, agentId: string, kind: OwnKind): Promise<string> {
  const { id, created } = await db.withTenant(tenantId, async (tx) => {
    const [agent] = await tx.select({ id: agents.id, slug: agents.slug }).from(agents).where(eq(agents.id, agentId));
    if (!agent) throw new KonstructError("not_found", "no such AI employee");
    const [have] = await tx.select({ id: channels.id }).from(channels).where(and(eq(channels.agentId, agentId), eq(channels.kind, kind)));
    if (have) return { id: have.id, created: false };
    const name = `${kind}-${agent.slug}`.slice(0, 63);
    const [row] = await tx
      .insert(channels)
      .values({ tenantId, agentId, kind, name, mode: kind === "api" ? "http" : "browser", secrets: box.sealJson({}), source: "ui" })
      .onConflictDoNothing()
      .returning({ id: channels.id });
    if (!row) throw new KonstructError("conflict", `a channel named ${name} exists already; rename it to use the ${kind === "api" ? "API" : "web chat"}`);
    return { id: row.id, created: true };
  });
  if (created || !connections?.get(id)) await connections?.reload(tenantId, id);
  return id;
}
