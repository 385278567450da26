import { describe, expect, test } from "bun:test";
import type { Tx } from "./database.ts";
import { type BatchOp, GroupCommit } from "./group-commit.ts";

/** A runner standing in for Database.withTenant: records each "transaction" and what ran in it. */
function fakeDb() {
  const transactions: { tenantId: string; ops: unknown[][] }[] = [];
  const group = new GroupCommit(async (tenantId, fn) => {
    const tx = { tenantId, ops: [] as unknown[][] };
    transactions.push(tx);
    return fn(tx as unknown as Tx);
  });
  return { group, transactions };
}

/** Doubles numbers; a negative item makes the whole run throw (as a failing statement would). */
const DOUBLE: BatchOp<number, number> = {
  name: "double",
  async run(tx, _tenant, items) {
    (tx as unknown as { ops: number[][] }).ops.push(items);
    if (items.some((i) => i < 0)) throw new Error(`bad item in ${items.join(",")}`);
    return items.map((i) => i * 2);
  },
};

const ECHO: BatchOp<string, string> = {
  name: "echo",
  async run(tx, _tenant, items) {
    (tx as unknown as { ops: string[][] }).ops.push(items);
    return items;
  },
};

const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";

describe("group commit", () => {
  test("writes ready at the same moment share one transaction and one run per op, results in order", async () => {
    const { group, transactions } = fakeDb();
    const out = await Promise.all([group.submit(A, DOUBLE, 1), group.submit(A, ECHO, "x"), group.submit(A, DOUBLE, 2), group.submit(A, DOUBLE, 3)]);
    expect(out).toEqual([2, "x", 4, 6]);
    expect(transactions).toHaveLength(1);
    expect(transactions[0]!.ops).toEqual([[1, 2, 3], ["x"]]);
  });

  test("tenants never share a transaction", async () => {
    const { group, transactions } = fakeDb();
    await Promise.all([group.submit(A, DOUBLE, 1), group.submit(B, DOUBLE, 2), group.submit(A, DOUBLE, 3)]);
    expect(transactions.map((t) => [t.tenantId, t.ops]).sort()).toEqual([
      [A, [[1, 3]]],
      [B, [[2]]],
    ]);
  });

  test("one bad item fails alone: the others are re-run one by one and succeed", async () => {
    const { group, transactions } = fakeDb();
    const out = await Promise.allSettled([group.submit(A, DOUBLE, 1), group.submit(A, DOUBLE, -1), group.submit(A, DOUBLE, 3)]);
    expect(out.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(out[0]).toMatchObject({ value: 2 });
    expect((out[1] as PromiseRejectedResult).reason.message).toBe("bad item in -1");
    expect(transactions.map((t) => t.ops)).toEqual([[[1, -1, 3]], [[1]], [[-1]], [[3]]]);
  });

  test("what arrives while a flush runs goes into the next one; an idle tenant flushes at once", async () => {
    const { group, transactions } = fakeDb();
    const first = group.submit(A, DOUBLE, 1);
    await Bun.sleep(0);
    const later = [group.submit(A, DOUBLE, 2), group.submit(A, DOUBLE, 3)];
    expect(await first).toBe(2);
    expect(await Promise.all(later)).toEqual([4, 6]);
    expect(transactions.map((t) => t.ops)).toEqual([[[1]], [[2, 3]]]);
    const started = performance.now();
    await group.submit(A, DOUBLE, 4);
    expect(performance.now() - started).toBeLessThan(50);
  });
});
