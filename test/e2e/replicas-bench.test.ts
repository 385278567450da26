/**
 * The kill test, shortened (`bun run bench:replicas --messages 600`): three replicas of the
 * compiled binary on a fresh Postgres database and Redis, Slack webhooks spread over them and
 * Telegram long polling; the Telegram poller's replica is killed with -9 halfway and restarted.
 * Every message answered exactly once at the emulators (but for the few Telegram replies in doubt,
 * at most once: bench/replicas.ts), and the poller failed over within 10 s.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { ensureBinary } from "../support/binary.ts";

const ROOT = join(import.meta.dir, "../..");

test("kill -9 of the polling replica under load: 0 lost, 0 duplicated, poller failed over", async () => {
  ensureBinary();
  const child = Bun.spawn(["bun", join(ROOT, "bench/replicas.ts"), "--messages", "600", "--baseline", "100"], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  const last = out.trim().split("\n").at(-1) ?? "";
  // The bench's own log (counts, the stuck events' post-mortem) is what explains a failure.
  expect({ code, err: err.slice(-2000), log: code ? out.slice(-4000) : "" }).toEqual({ code: 0, err: expect.any(String), log: "" });
  const result = JSON.parse(last) as Record<string, unknown>;
  expect(result).toMatchObject({ bench: "replicas", messages: 600, replicas: 3, lost: 0, duplicated: 0, telegram_failover: true });
  expect(result.telegram_failover_s as number).toBeLessThan(10);
  // Only replies whose request was on the wire at the kill may be in doubt: a handful, not the
  // killed replica's whole backlog (which a reply written off before its send began would be).
  expect((result.in_doubt_missing as number) + (result.in_doubt_arrived as number)).toBeLessThanOrEqual(8);
  expect(result.throughput_msg_s as number).toBeGreaterThan(0);
  expect(result.baseline_1_replica_msg_s as number).toBeGreaterThan(0);
}, 115_000);
