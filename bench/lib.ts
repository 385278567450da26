/**
 * Shared helpers for benches: stats, spawn-and-wait-ready, RSS from /proc, cleanup, and the
 * machine-readable last line. Every wait is bounded so a hung child fails the bench instead of CI.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

export type Stats = { median: number; min: number; max: number };

/** Nearest-rank percentile (p in 0..100) — no interpolation, so every figure is a real sample. */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
const r1 = (n: number) => Math.round(n * 10) / 10;
export const stats = (xs: number[]): Stats => ({ median: r1(percentile(xs, 50)), min: r1(Math.min(...xs)), max: r1(Math.max(...xs)) });

export function fail(msg: string): never {
  throw new Error(msg);
}

// Everything we create is registered here and torn down on any exit path (normal, throw, Ctrl-C),
// so an aborted bench leaves no stray server holding a port or a data dir behind.
const children = new Set<Subprocess>();
const dirs: string[] = [];
export function tempDir(label: string): string {
  const d = mkdtempSync(join(tmpdir(), `bench-${label}-`));
  dirs.push(d);
  return d;
}
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
  // BENCH_KEEP=1 keeps the temp dirs (serve logs, data dirs) for a post-mortem.
  if (!process.env.BENCH_KEEP) for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => process.exit(130));
// A failure is a one-line message, not a stack dump; exiting (not crashing) runs the cleanup hook above.
const die = (e: unknown) => (console.error(`bench failed: ${e instanceof Error ? e.message : e}`), process.exit(1));
process.on("uncaughtException", die).on("unhandledRejection", die);

/** Resolves `p`, or kills `child` (if given) and throws `msg` after `ms`. */
export async function withTimeout<T>(p: Promise<T>, ms: number, msg: string, child?: Subprocess): Promise<T> {
  let t: Timer | undefined;
  const timeout = new Promise<never>((_, rej) => (t = setTimeout(() => (child?.kill("SIGKILL"), rej(new Error(msg))), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(t);
  }
}

/** A free TCP port: let the kernel pick one (port 0), read it, release it for the child to bind. */
export function freePort(): number {
  const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = s.port!;
  s.stop(true);
  return port;
}

/**
 * Spawns `cmd` and polls `url` every 10 ms until it answers 200. readyMs spans spawn → first 200,
 * i.e. exec + runtime boot + app init + bind + one HTTP round-trip (identical overhead for baseline).
 * Output goes to a log file, not a pipe: an unread pipe can fill and stall the child mid-measurement.
 */
export async function spawnReady(o: { cmd: string[]; cwd: string; env: Record<string, string>; url: string; log: string; timeoutMs?: number }) {
  const fd = openSync(o.log, "a"); // one append fd for both streams so they interleave, not overwrite
  const t0 = performance.now();
  const proc = Bun.spawn(o.cmd, { cwd: o.cwd, env: o.env, stdout: fd, stderr: fd });
  closeSync(fd);
  children.add(proc);
  const why = () => `${o.cmd.join(" ")}: ${readFileSync(o.log, "utf8").slice(-2000) || "(no output)"}`;
  const poll = async () => {
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode) fail(`exited (${proc.exitCode ?? proc.signalCode}) before ready — ${why()}`);
      const res = await fetch(o.url, { signal: AbortSignal.timeout(2000) }).catch(() => null);
      if (res?.status === 200) return performance.now() - t0;
      await Bun.sleep(10);
    }
  };
  const readyMs = await withTimeout(poll(), o.timeoutMs ?? 30_000, `not ready within ${(o.timeoutMs ?? 30_000) / 1000} s — ${o.url}`, proc);
  return { proc, readyMs };
}

/** SIGTERM → exit duration (graceful stop). Killed with SIGKILL and failed after the timeout. */
export async function stopMs(proc: Subprocess, timeoutMs = 30_000): Promise<number> {
  const t0 = performance.now();
  proc.kill("SIGTERM");
  await withTimeout(proc.exited, timeoutMs, `pid ${proc.pid} did not exit within ${timeoutMs / 1000} s of SIGTERM`, proc);
  children.delete(proc);
  return performance.now() - t0;
}

/** Current (VmRSS) and peak (VmHWM) resident set of `pid` in MB (2^20 bytes; /proc reports kB). */
export function memMB(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (k: string) => Number(status.match(new RegExp(`^${k}:\\s+(\\d+) kB`, "m"))?.[1] ?? fail(`${k} missing for pid ${pid}`));
  return { rss: kb("VmRSS") / 1024, hwm: kb("VmHWM") / 1024 };
}

/** The contract with tooling: the LAST stdout line is exactly one JSON object with every figure. */
export const printJsonLast = (o: object) => console.log(JSON.stringify(o));
