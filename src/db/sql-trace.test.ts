import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { openEmbeddedPglite } from "./embedded.ts";
import { summariseTrace, traceStatements } from "./sql-trace.ts";

describe("sql trace (embedded database)", () => {
  let dir: string;
  let pg: PGlite;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "sql-trace-"));
    pg = await openEmbeddedPglite(join(dir, "pg"));
  });
  afterAll(async () => {
    await pg.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("statements are timed and grouped by their text; no value reaches the file", async () => {
    const file = join(dir, "trace");
    const from = performance.timeOrigin + performance.now();
    const stop = traceStatements(pg, file);
    traceStatements(pg, file); // a second driver over the same instance does not trace twice
    await pg.exec("create table notes (id int primary key, body text)");
    await pg.query("insert into notes values ($1, $2)", [1, "hunter2-in-a-parameter"]);
    await pg.exec("prepare add_note as insert into notes values ($1, $2)");
    for (let i = 2; i < 5; i++) await pg.exec(`execute add_note(${i}${"0".repeat(6)}, 'hunter2-in-a-literal')`);
    await pg.exec("select * from notes where body = 'hunter2-in-a-simple-query'");
    await pg.exec("select count(*) from notes where body <> $$hunter2-in-a-dollar-quote$$ or body <> $k$hunter2-tagged$k$");
    await Bun.sleep(400); // past the 250 ms flush
    stop();
    const trace = readFileSync(file, "utf8");
    expect(trace).not.toContain("hunter2");
    expect(trace).not.toContain("000000"); // nor an unquoted argument of EXECUTE
    expect(trace.split("\n").filter(Boolean).every((l) => /^\d+\.\d+ \d+\.\d+ \S/.test(l))).toBe(true);

    const summary = summariseTrace(trace, from);
    // The parameterised insert and the three executes of the prepared one are one statement text.
    const insert = summary.byStatement.find((s) => s.text === "insert into notes values ($1, $2)");
    expect(insert?.n).toBe(4);
    expect(insert!.p50).toBeGreaterThan(0);
    expect(summary.byStatement.some((s) => s.text === "select * from notes where body =")).toBe(true);
    expect(summary.statements).toBeGreaterThanOrEqual(7);
    expect(summary.ms).toBeGreaterThan(0);
    // A window after everything holds nothing.
    expect(summariseTrace(trace, performance.timeOrigin + performance.now() + 1000).statements).toBe(0);
    // Stopped: statements run untraced.
    await pg.exec("select 1");
    await Bun.sleep(300);
    expect(readFileSync(file, "utf8")).toBe(trace);
  });

  test("a trace that cannot be written stops itself; statements go on", async () => {
    traceStatements(pg, join(dir, "no-such-dir", "trace"));
    await pg.exec("select 1");
    await Bun.sleep(400); // the flush fails and unwraps
    expect((await pg.query<{ n: number }>("select 2 as n")).rows).toEqual([{ n: 2 }]);
    const unwrapped = (pg as unknown as { execProtocolRawSync: unknown }).execProtocolRawSync;
    expect(unwrapped).toBe(Object.getPrototypeOf(pg).execProtocolRawSync);
  });
});
