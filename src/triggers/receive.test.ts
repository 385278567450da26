/**
 * POST /hooks/trigger/<id> through the route, on both databases with two tenants: a valid GitHub
 * signature starts a task (row + job), and forged, replayed (stale timestamp, same delivery id),
 * oversized (cut off while streaming), duplicate and filtered-out deliveries are each answered and
 * recorded; an id naming another tenant finds nothing, and a trigger cannot name another
 * tenant's agent or channel.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import pino from "pino";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { seedTwoTenants, type TwoTenants } from "../../test/support/two-tenants.ts";
import { channels, inboundEvents, type Trigger, triggerDeliveries, triggers, tasks } from "../db/schema/index.ts";
import { MemoryBucketStore } from "../gateway/limits/memory.ts";
import { triggerHooks } from "../http/routes/triggers.ts";
import { SecretBox } from "../secrets/box.ts";
import { createTriggers } from "./index.ts";
import { receive } from "./receive.ts";
import { sign } from "./signature.ts";
import { createTrigger, type TriggerDefinition } from "./store.ts";

const log = pino({ level: "silent" });
type K = "A" | "B";

describe.each(DB_KINDS)("trigger webhooks on %s Postgres", (kind) => {
  let t: TestDatabase;
  let ids: TwoTenants;
  let box: SecretBox;
  const chan = {} as Record<K, string>;
  const enqueued: [string, string][] = [];
  let route: ReturnType<typeof triggerHooks>;
  let hook: { trigger: Trigger; secret: string };
  let stamped: { trigger: Trigger; secret: string };

  const def = (k: K, o: Partial<TriggerDefinition> = {}): TriggerDefinition => ({
    name: "pr-opened",
    kind: "webhook",
    scheme: "github",
    agentId: ids[k].agent,
    channelId: chan[k],
    chatKey: `C0${k}`,
    filter: [{ path: "$.action", equals: "opened" }],
    template: "Review pull request #{{ $.number }}: {{ $.pull_request.title }}",
    ...o,
  });
  const post = (publicId: string, body: string | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
    route.handle(new Request(`http://localhost/hooks/trigger/${publicId}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } }));
  const deliveries = (k: K) => t.db.withTenant(ids[k].tenant, (tx) => tx.select().from(triggerDeliveries).orderBy(triggerDeliveries.at));
  const taskRows = (k: K) => t.db.withTenant(ids[k].tenant, (tx) => tx.select().from(tasks).orderBy(tasks.number));
  const pr = (action: string, n = 7) => JSON.stringify({ action, number: n, pull_request: { title: "Fix the build" } });

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    ids = await seedTwoTenants(t.db, "trg");
    box = await SecretBox.open("", t.dataDir);
    for (const k of ["A", "B"] as const) {
      chan[k] = await t.db.withTenant(ids[k].tenant, async (tx) => {
        const [c] = await tx.insert(channels).values({ tenantId: ids[k].tenant, agentId: ids[k].agent, kind: "slack", name: "slack", mode: "events", secrets: box.sealJson({}) }).returning({ id: channels.id });
        return c!.id;
      });
    }
    const trig = createTriggers({ db: t.db, secrets: box, log, enqueue: async (tenant, task) => void enqueued.push([tenant, task]) });
    route = triggerHooks({ triggers: () => trig });
    hook = await t.db.withTenant(ids.A.tenant, (tx) => createTrigger(tx, box, ids.A.tenant, def("A")));
    stamped = await t.db.withTenant(ids.A.tenant, (tx) => createTrigger(tx, box, ids.A.tenant, def("A", { name: "stamped", scheme: "timestamped", filter: [] })));
  });
  afterAll(() => t.cleanup());

  test("the secret is sealed at rest and shown once", async () => {
    expect(hook.secret).toMatch(/^[0-9a-f]{64}$/);
    const [row] = await t.db.withTenant(ids.A.tenant, (tx) => tx.select().from(triggers).where(eq(triggers.id, hook.trigger.id)));
    expect(Buffer.from(row!.secret!).toString("latin1")).not.toContain(hook.secret);
    expect(box.unseal(row!.secret!)).toBe(hook.secret);
  });

  test("a valid GitHub signature starts a task for the trigger's agent and chat, and its job", async () => {
    const body = pr("opened");
    const res = await post(hook.trigger.publicId, body, sign("github", hook.secret, body, { deliveryId: "gh-1" }));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: "accepted", task: 1 });
    const [task] = await taskRows("A");
    expect(task).toMatchObject({ agentId: ids.A.agent, channelId: chan.A, chatKey: "C0A", status: "queued", requestedBy: "trigger:pr-opened", goal: 'Review pull request #7: "Fix the build"' });
    expect(task!.conversationId).toBeTruthy();
    expect(enqueued).toEqual([[ids.A.tenant, task!.id]]);
    const [d] = await deliveries("A");
    expect(d).toMatchObject({ outcome: "accepted", deliveryId: "gh-1", taskId: task!.id, triggerId: hook.trigger.id });
    // The task's outbox key is an inbound event of the delivery's own.
    const [ev] = await t.db.withTenant(ids.A.tenant, (tx) => tx.select().from(inboundEvents).where(eq(inboundEvents.id, task!.eventId!)));
    expect(ev).toMatchObject({ id: d!.id, status: "ignored", eventKey: `trigger:${d!.id}` });
  });

  test("the same delivery id again: 200 duplicate, recorded, nothing started", async () => {
    const body = pr("opened");
    const res = await post(hook.trigger.publicId, body, sign("github", hook.secret, body, { deliveryId: "gh-1" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "duplicate" });
    expect((await taskRows("A")).length).toBe(1);
    expect(enqueued.length).toBe(1);
    expect((await deliveries("A")).at(-1)).toMatchObject({ outcome: "duplicate", taskId: null });
  });

  test("a forged signature is refused exactly like an unknown id, and recorded", async () => {
    const body = pr("opened");
    const forged = await post(hook.trigger.publicId, body, { ...sign("github", "not the secret", body), "x-github-delivery": "gh-2" });
    const unknown = await post(`${hook.trigger.publicId.slice(0, 22)}${"A".repeat(21)}`, body, sign("github", hook.secret, body));
    const garbage = await post("nope", body, sign("github", hook.secret, body));
    for (const r of [forged, unknown, garbage]) expect([r.status, await r.text()]).toEqual([401, '{"status":"refused"}']);
    expect((await deliveries("A")).at(-1)).toMatchObject({ outcome: "refused", reason: "signature mismatch" });
    expect((await taskRows("A")).length).toBe(1);
  });

  test("a filtered-out delivery is answered 200 and recorded with the failed condition", async () => {
    const body = pr("closed");
    const res = await post(hook.trigger.publicId, body, sign("github", hook.secret, body, { deliveryId: "gh-3" }));
    expect(await res.json()).toEqual({ status: "filtered" });
    expect((await deliveries("A")).at(-1)).toMatchObject({ outcome: "filtered", reason: '$.action is not "opened"', deliveryId: "gh-3" });
    expect((await taskRows("A")).length).toBe(1);
  });

  test("timestamped: a stale timestamp and a replay within the window are refused", async () => {
    const body = JSON.stringify({ hello: "world" });
    const fresh = sign("timestamped", stamped.secret, body);
    expect((await post(stamped.trigger.publicId, body, fresh)).status).toBe(202);
    const replay = await post(stamped.trigger.publicId, body, fresh);
    expect(await replay.json()).toEqual({ status: "duplicate" });
    const old = await post(stamped.trigger.publicId, body, sign("timestamped", stamped.secret, body, { nowMs: Date.now() - 6 * 60_000 }));
    expect(old.status).toBe(401);
    const rows = (await deliveries("A")).filter((d) => d.triggerId === stamped.trigger.id).map((d) => [d.outcome, d.reason?.slice(0, 20) ?? null]);
    expect(rows).toEqual([["accepted", null], ["duplicate", "delivery id seen bef"], ["refused", "timestamp outside th"]]);
    expect((await taskRows("A")).length).toBe(2);
  });

  test("oversized: a declared length is refused at once; a chunked body is cut off while streaming", async () => {
    const big = await post(hook.trigger.publicId, "x", { "content-length": String(600 * 1024) });
    expect(big.status).toBe(413);
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(120);
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled += chunk.byteLength;
        if (pulled > 50 * 1024 * 1024) return c.close();
        c.enqueue(chunk);
      },
    });
    const res = await post(hook.trigger.publicId, endless);
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThan(2 * 1024 * 1024);
    const refusedRows = (await deliveries("A")).filter((d) => d.reason?.startsWith("body larger"));
    expect(refusedRows.length).toBe(2);
  });

  test("a non-JSON body with a valid signature is refused and recorded", async () => {
    const res = await post(hook.trigger.publicId, "not json", sign("github", hook.secret, "not json", { deliveryId: "gh-4" }));
    expect(res.status).toBe(400);
    expect((await deliveries("A")).at(-1)).toMatchObject({ outcome: "refused", reason: "body is not JSON" });
  });

  test("cross-tenant: an id naming tenant B finds nothing; B sees none of A's triggers; no trigger may name B's agent or channel", async () => {
    const swapped = Buffer.concat([Buffer.from(ids.B.tenant.replaceAll("-", ""), "hex"), Buffer.from(hook.trigger.publicId, "base64url").subarray(16)]).toString("base64url");
    const body = pr("opened", 8);
    const res = await post(swapped, body, sign("github", hook.secret, body, { deliveryId: "gh-x" }));
    expect(res.status).toBe(401);
    expect(await deliveries("B")).toEqual([]);
    expect(await taskRows("B")).toEqual([]);
    expect(await t.db.withTenant(ids.B.tenant, (tx) => tx.select().from(triggers))).toEqual([]);
    await expect(t.db.withTenant(ids.A.tenant, (tx) => createTrigger(tx, box, ids.A.tenant, def("A", { name: "steal-agent", agentId: ids.B.agent })))).rejects.toThrow();
    await expect(t.db.withTenant(ids.A.tenant, (tx) => createTrigger(tx, box, ids.A.tenant, def("A", { name: "steal-chan", channelId: chan.B })))).rejects.toThrow();
    // B's own trigger starts B's task only.
    const b = await t.db.withTenant(ids.B.tenant, (tx) => createTrigger(tx, box, ids.B.tenant, def("B")));
    expect((await post(b.trigger.publicId, body, sign("github", b.secret, body, { deliveryId: "gh-1" }))).status).toBe(202);
    const [bt] = await taskRows("B");
    expect(bt).toMatchObject({ agentId: ids.B.agent, channelId: chan.B, number: 1 });
    expect((await taskRows("A")).length).toBe(2);
    // A's secret does not open B's trigger.
    expect((await post(b.trigger.publicId, body, sign("github", hook.secret, body, { deliveryId: "gh-9" }))).status).toBe(401);
  });

  test("deliveries older than KEEP_DAYS are pruned (at most hourly per trigger)", async () => {
    await t.db.withTenant(ids.A.tenant, (tx) => tx.insert(triggerDeliveries).values({ tenantId: ids.A.tenant, triggerId: stamped.trigger.id, outcome: "refused", reason: "ancient", at: new Date(Date.now() - 31 * 86_400_000) }));
    const deps = { db: t.db, secrets: box, enqueue: async () => {}, log, limits: new MemoryBucketStore(), maxBytes: 1024, rate: { capacity: 9, refillPerSec: 1 }, pruned: new Map<string, number>() };
    await receive(deps, stamped.trigger.publicId, new Request("http://localhost/", { method: "POST", body: "{}" }));
    const rows = (await deliveries("A")).filter((d) => d.triggerId === stamped.trigger.id);
    expect(rows.some((d) => d.reason === "ancient")).toBe(false);
    expect(rows.filter((d) => d.outcome === "accepted")).toHaveLength(1);
  });

  test("rate limited per trigger before the database is asked", async () => {
    const deps = { db: t.db, secrets: box, enqueue: async () => {}, log, limits: new MemoryBucketStore(), maxBytes: 1024, rate: { capacity: 2, refillPerSec: 0.001 } };
    const req = () => new Request("http://localhost/", { method: "POST", body: "{}" });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await receive(deps, hook.trigger.publicId, req())).status);
    expect(statuses).toEqual([401, 401, 429]);
  });
});
