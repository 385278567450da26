/**
 * Configuration edits across replicas: what one replica applied (a channel restarted, a provider or
 * key saved) it NOTIFYs over Postgres — and, with Redis, publishes there too (config-bus.ts, which
 * applies each notice once); every other replica re-applies it from the database or the files itself. Nothing travels but ids — each replica reads the row, so a lost or
 * repeated notice costs a reload, never a wrong configuration or a secret on the wire. Agents and
 * schedules need none: every turn and tick reads their rows. Skills are files each replica watches.
 *
 * Invariants: a payload is bounded and parsed defensively (tenant ids are uuids, provider ids the
 * form's own pattern); a replica ignores its own notices (it applied the edit already); on the
 * embedded database there is one process and nothing is sent. One channel, one parser, one
 * listener per subscriber: a new kind of edit is a new `kind`, not a new mechanism.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../db/database.ts";

export const CONFIG_EVENTS = "konstruct_config";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PROVIDER_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const MAX_PAYLOAD = 512;

/** `channel`: restart it from its row. `provider`: reload it (tenantId null = the platform's). */
export type ConfigEdit =
  | { kind: "channel"; tenantId: string; id: string }
  | { kind: "provider"; tenantId: string | null; id: string };

/** `from`: the replica that applied the edit (instanceId); `n`: the notice's nonce (one per publish, on every transport). */
export type ConfigEvent = ConfigEdit & { from: string; n?: string };
const NONCE = /^[0-9a-f-]{1,40}$/i;

export async function publishConfigEvent(db: Database, e: ConfigEvent): Promise<void> {
  if (!db.driver.listen) return;
  await db.platform((tx) => tx.execute(sql`select pg_notify(${CONFIG_EVENTS}, ${JSON.stringify(e)})`));
}

export function parseConfigEvent(payload: string): ConfigEvent | null {
  if (payload.length > MAX_PAYLOAD) return null;
  try {
    const e = JSON.parse(payload) as Record<string, unknown>;
    const from = typeof e.from === "string" ? e.from : "";
    // A notice without one (an older replica's) is simply applied every time it arrives.
    const n = typeof e.n === "string" && NONCE.test(e.n) ? { n: e.n } : {};
    const tenant = e.tenantId;
    if (typeof e.id !== "string") return null;
    if (e.kind === "channel" && typeof tenant === "string" && UUID.test(tenant) && UUID.test(e.id)) return { kind: "channel", tenantId: tenant, id: e.id, from, ...n };
    if (e.kind === "provider" && (tenant === null || (typeof tenant === "string" && UUID.test(tenant))) && PROVIDER_ID.test(e.id))
      return { kind: "provider", tenantId: tenant as string | null, id: e.id, from, ...n };
    return null;
  } catch {
    return null;
  }
}

export type ConfigHandlers = { [K in ConfigEdit["kind"]]?: (e: Extract<ConfigEvent, { kind: K }>) => Promise<void> };

/** The Postgres transport's listener: every payload on the channel, raw (ConfigBus parses and dedupes). */
export async function listenConfigEvents(db: Database, fn: (payload: string) => void): Promise<() => Promise<void>> {
  if (!db.driver.listen) return async () => {};
  const { unlisten } = await db.driver.listen(CONFIG_EVENTS, fn);
  return unlisten;
}
