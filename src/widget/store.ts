/**
 * One widget per AI employee: a channel row of kind `widget` (created by the console's first save,
 * never by a read) whose settings hold the allowed origins and whether it is enabled, and whose
 * sealed secrets hold the key visitor tokens are signed with. The channel id is the widget id of
 * the snippet. Saving restarts the connection on every replica (Connections.reload).
 */
import { and, eq } from "drizzle-orm";
import type { Database } from "../db/database.ts";
import { agents, channels } from "../db/schema/index.ts";
import { KonstructError } from "../errors.ts";
import type { Connections } from "../gateway/connections.ts";
import type { SecretBox } from "../secrets/box.ts";
import { newVisitorKey } from "./token.ts";

export interface WidgetSettings {
  id: string;
  origins: string[];
  enabled: boolean;
}

/** The agent's widget, or null if none was set up (a read only). */
export async function findWidget(db: Database, tenantId: string, agentId: string): Promise<WidgetSettings | null> {
  const [row] = await db.withTenant(tenantId, (tx) =>
    tx.select({ id: channels.id, settings: channels.settings }).from(channels).where(and(eq(channels.agentId, agentId), eq(channels.kind, "widget"))),
  );
  return row ? { id: row.id, origins: (row.settings.origins ?? "").split(/\s+/).filter(Boolean), enabled: row.settings.enabled === "true" } : null;
}

/** Creates or updates the agent's widget and (re)starts its connection; the widget id. */
export async function saveWidget(
  db: Database,
  box: SecretBox,
  connections: Connections | null,
  tenantId: string,
  agentId: string,
  input: { origins: string[]; enabled: boolean },
): Promise<string> {
  const settings = { origins: input.origins.join(" "), enabled: String(input.enabled) };
  const id = await db.withTenant(tenantId, async (tx) => {
    const [agent] = await tx.select({ slug: agents.slug }).from(agents).where(eq(agents.id, agentId));
    if (!agent) throw new KonstructError("not_found", "no such AI employee");
    const [have] = await tx.select({ id: channels.id }).from(channels).where(and(eq(channels.agentId, agentId), eq(channels.kind, "widget")));
    if (have) {
      await tx.update(channels).set({ settings, updatedAt: new Date() }).where(eq(channels.id, have.id));
      return have.id;
    }
    const name = `widget-${agent.slug}`.slice(0, 63);
    const [row] = await tx
      .insert(channels)
      .values({ tenantId, agentId, kind: "widget", name, mode: "browser", settings, secrets: box.sealJson({ visitor_key: newVisitorKey() }), source: "ui" })
      .onConflictDoNothing()
      .returning({ id: channels.id });
    if (!row) throw new KonstructError("conflict", `a channel named ${name} exists already; rename it to use the website widget`);
    return row.id;
  });
  await connections?.reload(tenantId, id);
  return id;
}
