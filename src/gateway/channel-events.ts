/**
 * Channel edits across replicas: a connection edited in the console (or the API) is restarted on
 * the replica that served the edit, which then NOTIFYs the others over Postgres; each of them
 * rebuilds the connection from its row. Nothing travels but ids — every replica reads the row
 * itself, so a lost or repeated notice costs a restart, never a wrong configuration.
 *
 * Invariants: a payload is bounded and parsed defensively (ids must be uuids); a replica ignores
 * its own notices (it applied the edit already); on the embedded database there is one process and
 * nothing is sent.
 */
import { sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Database } from "../db/database.ts";

export const CHANNEL_EVENTS = "konstruct_channels";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_PAYLOAD = 512;

export interface ChannelEvent {
  tenantId: string;
  channelId: string;
  /** The replica that applied the edit (Connections.holder). */
  from: string;
}

export async function publishChannelEvent(db: Database, e: ChannelEvent): Promise<void> {
  if (!db.driver.listen) return;
  await db.platform((tx) => tx.execute(sql`select pg_notify(${CHANNEL_EVENTS}, ${JSON.stringify(e)})`));
}

export function parseChannelEvent(payload: string): ChannelEvent | null {
  if (payload.length > MAX_PAYLOAD) return null;
  try {
    const e = JSON.parse(payload) as Partial<ChannelEvent>;
    if (typeof e.tenantId !== "string" || !UUID.test(e.tenantId) || typeof e.channelId !== "string" || !UUID.test(e.channelId)) return null;
    return { tenantId: e.tenantId, channelId: e.channelId, from: String(e.from ?? "") };
  } catch {
    return null;
  }
}

/** Calls `apply` for every edit another replica made; resolves to the function that stops listening. */
export async function listenChannelEvents(db: Database, self: string, log: Logger, apply: (e: ChannelEvent) => Promise<void>): Promise<() => Promise<void>> {
  if (!db.driver.listen) return async () => {};
  const { unlisten } = await db.driver.listen(CHANNEL_EVENTS, (payload) => {
    const e = parseChannelEvent(payload);
    if (!e) return log.warn({ bytes: payload.length }, "malformed channel event ignored");
    if (e.from === self) return;
    apply(e).catch((err) => log.warn({ err, channel: e.channelId }, "channel edited on another replica failed to restart here"));
  });
  return unlisten;
}
