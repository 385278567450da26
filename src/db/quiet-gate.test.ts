import { describe, expect, test } from "bun:test";
import { QuietGate } from "./quiet-gate.ts";

const later = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe("QuietGate", () => {
  test("waits while a foreground transaction is open and for the quiet time after it", async () => {
    const gate = new QuietGate(true);
    const t0 = performance.now();
    const fg = gate.track(later(60));
    await gate.whenQuiet(20, 5_000);
    const waited = performance.now() - t0;
    await fg;
    expect(waited).toBeGreaterThanOrEqual(75); // 60 ms open + 20 ms quiet (timer slack below)
  });

  test("open at once when nothing runs; a failed transaction still ends", async () => {
    const gate = new QuietGate(true);
    await gate.track(Promise.reject(new Error("x"))).catch(() => {});
    await later(10);
    const t0 = performance.now();
    await gate.whenQuiet(5, 5_000);
    expect(performance.now() - t0).toBeLessThan(20);
  });

  test("bounded: a foreground load that never pauses delays bulk work by at most maxWaitMs", async () => {
    const gate = new QuietGate(true);
    let busy = true;
    const load = (async () => {
      while (busy) await gate.track(later(3));
    })();
    const t0 = performance.now();
    await gate.whenQuiet(5, 100);
    const waited = performance.now() - t0;
    busy = false;
    await load;
    expect(waited).toBeGreaterThanOrEqual(95);
    expect(waited).toBeLessThan(400);
  });

  test("busySince: foreground work running or ended after t", async () => {
    const gate = new QuietGate(true);
    const t0 = performance.now();
    expect(gate.busySince(t0)).toBe(false);
    const fg = gate.track(later(20));
    expect(gate.busySince(t0)).toBe(true);
    await fg;
    expect(gate.busySince(t0)).toBe(true);
    expect(gate.busySince(performance.now())).toBe(false);
    expect(new QuietGate(false).busySince(0)).toBe(false);
  });

  test("disabled (external Postgres): never waits and tracks nothing", async () => {
    const gate = new QuietGate(false);
    const fg = gate.track(later(200));
    const t0 = performance.now();
    await gate.whenQuiet(50, 5_000);
    expect(performance.now() - t0).toBeLessThan(20);
    await fg;
  });
});

describe.each(["embedded", "external"] as const)("Database.background on %s Postgres", (kind) => {
  test("bulk work waits for the open foreground transaction on the embedded database only; both run under RLS", async () => {
    const { openTestDatabase } = await import("../../test/support/db.ts");
    const { seedTwoTenants } = await import("../../test/support/two-tenants.ts");
    const { sql } = await import("drizzle-orm");
    const { rowsOf } = await import("./set-sql.ts");
    const t = await openTestDatabase(kind);
    try {
      const ids = await seedTwoTenants(t.db, "quiet");
      const order: string[] = [];
      const bgRan = Promise.withResolvers<void>();
      // The foreground holds its transaction open until the background ran — or 2 s, which is what
      // it comes to on the embedded database, where the background cannot start before it ends. No
      // race against the clock: a loaded machine cannot reorder the two.
      const fg = t.db.withTenant(ids.A.tenant, async (tx) => {
        await rowsOf(tx, sql`select 1`);
        await Promise.race([bgRan.promise, later(2_000)]);
        order.push("foreground done");
      });
      await later(5);
      const agents = await t.db.background(ids.B.tenant, (tx) => rowsOf<{ id: string }>(tx, sql`select id from agents`));
      order.push("background ran");
      bgRan.resolve();
      await fg;
      // RLS holds in the background lane: tenant B sees its own agent only.
      expect(agents.map((a) => a.id)).toEqual([ids.B.agent]);
      expect(order).toEqual(kind === "embedded" ? ["foreground done", "background ran"] : ["background ran", "foreground done"]);
    } finally {
      await t.cleanup();
    }
  }, 60_000);
});
