/**
 * The tasks table's transitions on both databases, two tenants: numbers per tenant, claims within
 * limits and at most once, finishing only what is running, cancels scoped to the requester,
 * running ⇄ waiting_approval (a waiting task counts toward the limits, can finish and be cancelled).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { agents, tasks, tenants } from "../db/schema/index.ts";
import { activeTasksOf, cancelTasks, claimTask, finishTask, insertTask, markWaiting } from "./store.ts";

describe.each(DB_KINDS)("tasks store on %s Postgres", (kind) => {
  let t: TestDatabase;
  const ids: Record<"A" | "B", { tenant: string; agent: string }> = {} as never;
  const limits = { perTenant: 2, perAgent: 2 };

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    for (const k of ["A", "B"] as const) {
      const [row] = await t.db.platform((tx) => tx.insert(tenants).values({ slug: `t-${k.toLowerCase()}`, name: k }).returning({ id: tenants.id }));
      const tenant = row!.id;
      const [a] = await t.db.withTenant(tenant, (tx) => tx.insert(agents).values({ tenantId: tenant, slug: "ada", name: "Ada" }).returning({ id: agents.id }));
      ids[k] = { tenant, agent: a!.id };
    }
  });
  afterAll(() => t.cleanup());

  const add = (k: "A" | "B", requestedBy = "u1") => t.db.withTenant(ids[k].tenant, (tx) => insertTask(tx, { tenantId: ids[k].tenant, agentId: ids[k].agent, requestedBy, goal: `goal ${k}` }));

  test("numbers count per tenant; a tenant never sees another's tasks", async () => {
    const [a1, a2, b1] = [await add("A"), await add("A"), await add("B")];
    expect([a1.number, a2.number, b1.number]).toEqual([1, 2, 1]);
    const seenByB = await t.db.withTenant(ids.B.tenant, (tx) => tx.select().from(tasks));
    expect(seenByB.map((r) => r.id)).toEqual([b1.id]);
    // B's transaction cannot claim, finish or cancel A's task.
    expect(await t.db.withTenant(ids.B.tenant, (tx) => claimTask(tx, ids.B.tenant, a1.id, limits, "w"))).toBeNull();
    expect(await t.db.withTenant(ids.B.tenant, (tx) => cancelTasks(tx, { ids: [a1.id] }))).toEqual([]);
  });

  test("a task is claimed once; beyond the limit it stays queued; only a running task finishes", async () => {
    const [x, y, z] = [await add("A"), await add("A"), await add("A")];
    const claim = (id: string) => t.db.withTenant(ids.A.tenant, (tx) => claimTask(tx, ids.A.tenant, id, limits, "w"));
    const [c1, c2] = await Promise.all([claim(x.id), claim(x.id)]);
    expect([c1, c2].filter((c) => c && c !== "busy")).toHaveLength(1);
    expect(await claim(y.id)).toMatchObject({ status: "running" });
    expect(await claim(z.id)).toBe("busy");
    const fin = (id: string) => t.db.withTenant(ids.A.tenant, (tx) => finishTask(tx, id, { status: "done", result: "ok", steps: 1, spendUsd: 0.01 }));
    expect(await fin(x.id)).toBe(true);
    expect(await fin(x.id)).toBe(false);
    expect(await fin(z.id)).toBe(false); // still queued: nobody claimed it
    expect(await claim(z.id)).toMatchObject({ status: "running" });
  });

  test("waiting for an approval: running ⇄ waiting_approval, counted in the limits, finishable, cancellable", async () => {
    await t.db.withTenant(ids.A.tenant, (tx) => tx.delete(tasks));
    const [x, y, z] = [await add("A"), await add("A"), await add("A")];
    const claim = (id: string) => t.db.withTenant(ids.A.tenant, (tx) => claimTask(tx, ids.A.tenant, id, limits, "w"));
    const wait = (id: string, on: boolean, tenant = ids.A.tenant) => t.db.withTenant(tenant, (tx) => markWaiting(tx, id, on));
    expect(await wait(x.id, true)).toBe(false); // queued: not running yet
    await claim(x.id);
    await claim(y.id);
    expect(await wait(x.id, true, ids.B.tenant)).toBe(false); // another tenant cannot touch it
    expect(await wait(x.id, true)).toBe(true);
    expect(await wait(x.id, true)).toBe(false);
    expect(await claim(z.id)).toBe("busy"); // the waiting task still holds its slot
    const [row] = await t.db.withTenant(ids.A.tenant, (tx) => activeTasksOf(tx, ids.A.agent, "u1"));
    expect(row!.status).toBe("waiting_approval");
    expect(await wait(x.id, false)).toBe(true);
    expect(await wait(y.id, true)).toBe(true);
    expect(await t.db.withTenant(ids.A.tenant, (tx) => cancelTasks(tx, { ids: [y.id] }))).toHaveLength(1);
    expect(await wait(y.id, false)).toBe(false); // cancelled while it waited: it does not go on
    expect(await wait(x.id, true)).toBe(true);
    expect(await t.db.withTenant(ids.A.tenant, (tx) => finishTask(tx, x.id, { status: "done", result: "ok", steps: 2, spendUsd: 0 }))).toBe(true);
  });

  test("cancel: only the requester's active tasks; all or by number", async () => {
    await t.db.withTenant(ids.B.tenant, (tx) => tx.delete(tasks));
    const [mine, theirs] = [await add("B", "me"), await add("B", "someone")];
    const cancel = (which: Parameters<typeof cancelTasks>[1]) => t.db.withTenant(ids.B.tenant, (tx) => cancelTasks(tx, which));
    expect(await cancel({ numbers: [theirs.number], requestedBy: "me" })).toEqual([]);
    expect((await cancel({ requestedBy: "me", agentId: ids.B.agent })).map((r) => r.number)).toEqual([mine.number]);
    const left = await t.db.withTenant(ids.B.tenant, (tx) => activeTasksOf(tx, ids.B.agent, "someone"));
    expect(left.map((r) => r.id)).toEqual([theirs.id]);
    const [row] = await t.db.withTenant(ids.B.tenant, (tx) => tx.select().from(tasks).where(eq(tasks.id, mine.id)));
    expect(row!.status).toBe("cancelled");
    expect(row!.reportedAt).not.toBeNull();
  });
});
