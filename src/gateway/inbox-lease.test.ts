/**
 * Inbox leases between two replicas under load, on the real Postgres: two database pools on one
 * database, each with its own inbox and pipeline (the maintenance that renews and sweeps runs as in
 * production). Replica A's turns hold their event rows in long transactions — what a turn's journal
 * write in a slow group-committed flush does on a loaded machine — for longer than the lease; replica
 * B sweeps all the while. A claim of a live replica must never move; a dead replica's claims must.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import postgres from "postgres";
import type { InboundMessage } from "../channels/types.ts";
import { type Database, openDatabase } from "../db/database.ts";
import { agents, channels, tenants } from "../db/schema/index.ts";
import { openTestDatabase, type TestDatabase, tempDir } from "../../test/support/db.ts";
import type { EventHandler } from "./event-handler.ts";
import { Inbox } from "./inbox.ts";
import { type Connection, Pipeline } from "./pipeline.ts";

const LEASE_MS = 900; // renewed every 300 ms
const HOLD_S = 1.2; // a turn's transaction holding its event row: longer than the whole lease

let t: TestDatabase;
let dbB: Database;
let dirB: { remove(): void };
let raw: postgres.Sql;
let conn: Omit<Connection, "adapter">;

const message = (eventKey: string): InboundMessage => ({ eventKey, chatKey: `chat-${eventKey}`, sender: { id: "U1" }, text: "hi", attachments: [], receivedAt: new Date().toISOString(), raw: {} });

/** A replica: its own pool, inbox and pipeline; `handle` is its turn. */
function replica(db: Database, owner: string, handle: (inbox: Inbox, id: string) => Promise<void>) {
  const inbox = new Inbox(db, { owner, leaseMs: LEASE_MS });
  const handled: string[] = [];
  const handler = { handle: async (_c: Connection, id: string) => (handled.push(id), await handle(inbox, id)) } as unknown as EventHandler;
  const pipeline = new Pipeline({ inbox, handler, log: { info() {}, warn() {} } as never, connection: () => ({ ...conn, adapter: {} as never }) });
  pipeline.startMaintenance();
  return { inbox, pipeline, handled, sink: pipeline.sinkFor({ ...conn, adapter: {} as never }) };
}

const finish = (db: Database) => (inbox: Inbox, id: string) => db.withTenant(conn.tenantId, (tx) => inbox.finish(tx, id, "done"));

beforeAll(async () => {
  t = await openTestDatabase("external");
  const dir = tempDir();
  dirB = dir;
  dbB = await openDatabase({ url: t.url, dataDir: dir.path, poolSize: 4, connectAttempts: 1 });
  raw = postgres(t.url, { max: 16, onnotice: () => {} });
  const [tenant] = await t.db.platform((tx) => tx.insert(tenants).values({ slug: "acme", name: "Acme" }).returning({ id: tenants.id }));
  const tenantId = tenant!.id;
  conn = await t.db.withTenant(tenantId, async (tx) => {
    const [agent] = await tx.insert(agents).values({ tenantId, slug: "ada", name: "Ada" }).returning({ id: agents.id });
    const [ch] = await tx.insert(channels).values({ tenantId, agentId: agent!.id, kind: "slack", name: "s", mode: "events", secrets: new Uint8Array([1]) }).returning({ id: channels.id });
    return { tenantId, channelId: ch!.id, agentId: agent!.id };
  });
});
afterAll(async () => {
  await raw.end();
  await dbB.close();
  dirB.remove();
  await t.cleanup();
});

test("under load no event a live replica holds is re-claimed; a dead replica's are taken over", async () => {
  // A's turn: two rounds, each a transaction that writes the event's journal and holds the row.
  const a = replica(t.db, "replica-a", async (inbox, id) => {
    for (let round = 0; round < 2; round++)
      await raw.begin(async (tx) => {
        await tx`update inbound_events set turn_progress = '[]'::jsonb where id = ${id}`;
        await tx`select pg_sleep(${HOLD_S})`;
      });
    await finish(t.db)(inbox, id);
  });
  const b = replica(dbB, "replica-b", finish(dbB));

  const keys = Array.from({ length: 12 }, (_, i) => `live-${i}`);
  await Promise.all(keys.map((k) => a.sink(message(k))));
  await a.pipeline.idle();
  await Bun.sleep(LEASE_MS); // B's sweeps keep running after A is done: nothing is left to take
  const rows = await raw`select status, owner, attempts from inbound_events where event_key like 'live-%'`;
  expect(rows).toHaveLength(keys.length);
  expect(b.handled).toEqual([]);
  expect(rows.every((r) => r.status === "done" && r.owner === "replica-a" && r.attempts === 1)).toBe(true);

  // A dies mid-turn (no more renewals, its rows unlocked): B takes each of its events over.
  await a.pipeline.stop();
  const dead = new Inbox(t.db, { owner: "replica-dead", leaseMs: LEASE_MS });
  const orphans = await Promise.all(["dead-1", "dead-2", "dead-3"].map((k) => dead.record(conn, message(k))));
  const deadline = Date.now() + 10 * LEASE_MS;
  while (b.handled.length < orphans.length && Date.now() < deadline) await Bun.sleep(50);
  await b.pipeline.idle();
  expect(b.handled.sort()).toEqual(orphans.map((o) => o.id).sort());
  const taken = await raw`select owner, status from inbound_events where event_key like 'dead-%'`;
  expect(taken.every((r) => r.owner === "replica-b" && r.status === "done")).toBe(true);
  await b.pipeline.stop();
}, 60_000);
