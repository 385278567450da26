/**
 * kill -9 during writes: every transaction reported committed survives, and the next process takes
 * over the data dir (stale lock, PGlite recovery) — both for a bare writer and for `konstruct serve`.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { openDatabase } from "../src/db/database.ts";
import { tenants } from "../src/db/schema/index.ts";
import { embeddedDataDir } from "./support/db.ts";
import { testPort } from "./support/ports.ts";

const ROOT = join(import.meta.dir, "..");

async function readLines(stream: ReadableStream<Uint8Array>, until: (lines: string[]) => boolean): Promise<string[]> {
  const lines: string[] = [];
  let buf = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    buf += decoder.decode(chunk);
    const parts = buf.split("\n");
    buf = parts.pop()!;
    lines.push(...parts);
    if (until(lines)) break;
  }
  return lines;
}

test("kill -9 mid-write loses no committed transaction", async () => {
  const dir = await embeddedDataDir();
  const child = Bun.spawn(["bun", join(ROOT, "test/fixtures/crash-writer.ts"), dir.path], { stdout: "pipe", stderr: "inherit" });
  const committed = await readLines(child.stdout, (l) => l.length >= 300);
  child.kill("SIGKILL");
  await child.exited;
  const db = await openDatabase({ url: "", dataDir: dir.path, poolSize: 1, connectAttempts: 1 });
  const rows = await db.platform((tx) => tx.select({ slug: tenants.slug }).from(tenants));
  await db.close();
  const present = new Set(rows.map((r) => r.slug));
  const missing = committed.filter((i) => !present.has(`t${i}`));
  expect(committed.length).toBeGreaterThanOrEqual(300);
  expect(missing).toEqual([]);
  dir.remove();
}, 120_000);

test("konstruct serve killed with -9 starts again on the same data dir", async () => {
  const dir = await embeddedDataDir();
  const port = testPort();
  const env = { PATH: process.env.PATH!, KONSTRUCT_DATA_DIR: dir.path, KONSTRUCT_SERVER__PORT: String(port), KONSTRUCT_SERVER__HOST: "127.0.0.1" };
  const start = () => Bun.spawn(["bun", join(ROOT, "src/cli/main.ts"), "serve"], { cwd: dir.path, env, stdout: "ignore", stderr: "pipe" });
  // Bounded by time, not by a number of polls: starting from source takes tens of seconds on a
  // loaded machine (and a fetch to a closed port can itself be slow there).
  const ready = async () => {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
      if (ok) return true;
      await Bun.sleep(50);
    }
    return false;
  };
  const first = start();
  expect(await ready()).toBe(true);
  first.kill("SIGKILL");
  await first.exited;
  const second = start();
  expect(await ready()).toBe(true);
  second.kill("SIGTERM");
  expect(await second.exited).toBe(0);
  dir.remove();
}, 150_000);
