/**
 * Startup bench: `bun run bench:startup [--runs N] [--no-build]`.
 * Times spawn → first /readyz 200, idle/peak RSS and SIGTERM → exit for konstruct on a fresh data dir
 * (first boot: migrations run) and on a reused one (warm), against a bare compiled Bun.serve binary
 * built in the same run — the floor any Bun executable pays, so ratios travel across machines.
 * Children run from an empty temp cwd with only KONSTRUCT_* env to prove the binary needs nothing around it.
 */
import { chmodSync, copyFileSync, existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { fail, freePort, memMB, printJsonLast, spawnReady, type Stats, stats, stopMs, tempDir, withTimeout } from "./lib.ts";

const { values } = parseArgs({ args: Bun.argv.slice(2), options: { runs: { type: "string", default: "5" }, "no-build": { type: "boolean" } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) fail(`--runs must be a positive integer, got ${values.runs}`);
const IDLE_MS = 2000; // settle time before reading "idle" RSS: lets post-ready GC/JIT work finish
const TARGETS = { firstBootMs: 5000, warmMs: 1000, idleRssMB: 150 };
const root = resolve(import.meta.dir, "..");
const konstruct = join(root, "dist/konstruct");

/** Runs a build command to completion (bounded), failing with its output. */
async function run(cmd: string[], cwd: string, what: string) {
  const p = Bun.spawn(cmd, { cwd, stdout: "pipe", stderr: "pipe" });
  const code = await withTimeout(p.exited, 120_000, `${what} timed out`, p);
  if (code !== 0) fail(`${what} failed (${code}): ${await new Response(p.stderr).text()}${await new Response(p.stdout).text()}`);
}

if (!existsSync(konstruct) && !values["no-build"]) await run([process.execPath, "run", "build"], root, "bun run build");
if (!existsSync(konstruct)) fail(`${konstruct} missing (build it, or drop --no-build)`);
// Bench a private copy: a concurrent `bun run build` mid-bench would otherwise mix two binaries' figures.
const bin = join(tempDir("bin"), "konstruct");
copyFileSync(konstruct, bin);
chmodSync(bin, 0o755);

// Baseline: the smallest compiled Bun HTTP server answering /readyz, built fresh so it matches this Bun.
const base = tempDir("baseline");
writeFileSync(join(base, "entry.ts"), `Bun.serve({ hostname: "127.0.0.1", port: Number(process.env.PORT),
  fetch: (r) => new Response(new URL(r.url).pathname === "/readyz" ? "ok" : null, { status: new URL(r.url).pathname === "/readyz" ? 200 : 404 }) });\n`);
await run([process.execPath, "build", "--compile", "entry.ts", "--outfile", "server"], base, "baseline compile");

const cwd = tempDir("cwd"); // stays empty: no konstruct.config.yaml, no ./data to lean on
const logs = tempDir("logs");
/** One lifecycle: spawn → ready → idle → read memory → SIGTERM → exited. */
async function measure(cmd: string[], env: Record<string, string>, port: number, tag: string) {
  const { proc, readyMs } = await spawnReady({ cmd, cwd, env, url: `http://127.0.0.1:${port}/readyz`, log: join(logs, `${tag}.log`) });
  await Bun.sleep(IDLE_MS);
  if (proc.exitCode !== null) fail(`${tag}: exited (${proc.exitCode}) while idle`);
  const mem = memMB(proc.pid);
  return { readyMs, rssMB: mem.rss, peakMB: mem.hwm, stopMs: await stopMs(proc) };
}
type Sample = Awaited<ReturnType<typeof measure>>;
const samples: Record<"baseline" | "first" | "warm", Sample[]> = { baseline: [], first: [], warm: [] };
const kEnv = (dataDir: string, port: number) => ({
  KONSTRUCT_DATA_DIR: dataDir, KONSTRUCT_SERVER__PORT: String(port), KONSTRUCT_SERVER__HOST: "127.0.0.1", KONSTRUCT_LOG__LEVEL: "warn",
});

// Interleave the three scenarios per run so drift on the machine (thermal, other load) hits all alike.
for (let i = 1; i <= runs; i++) {
  let port = freePort();
  samples.baseline.push(await measure([join(base, "server")], { PORT: String(port) }, port, `baseline-${i}`));
  const data = tempDir(`data${i}`); // fresh and empty → first boot creates the cluster and migrates
  port = freePort();
  samples.first.push(await measure([bin, "serve"], kEnv(data, port), port, `first-${i}`));
  port = freePort();
  samples.warm.push(await measure([bin, "serve"], kEnv(data, port), port, `warm-${i}`));
  console.error(`run ${i}/${runs}: first ${samples.first.at(-1)!.readyMs.toFixed(0)} ms, warm ${samples.warm.at(-1)!.readyMs.toFixed(0)} ms`);
}

const summary = Object.fromEntries(
  Object.entries(samples).map(([k, xs]) => [k, Object.fromEntries((["readyMs", "rssMB", "peakMB", "stopMs"] as const).map((m) => [m, stats(xs.map((x) => x[m]))]))]),
) as Record<keyof typeof samples, Record<keyof Sample, Stats>>;
const { baseline: b, first: f, warm: w } = summary;
// Targets are judged on medians; min/max are shown so a noisy outlier is visible rather than hidden.
const pass = {
  firstBoot: f.readyMs.median <= TARGETS.firstBootMs,
  warm: w.readyMs.median <= TARGETS.warmMs,
  idleRss: Math.max(f.rssMB.median, w.rssMB.median) <= TARGETS.idleRssMB,
};
const x = (a: number, c: number) => Math.round((a / c) * 10) / 10;
const ratios = { firstBootReady: x(f.readyMs.median, b.readyMs.median), warmReady: x(w.readyMs.median, b.readyMs.median), idleRss: x(w.rssMB.median, b.rssMB.median) };

const verdict = (ok: boolean, t: string) => `${ok ? "PASS" : "MISS"} (target ≤ ${t})`;
const table: [string, Stats, string, string?][] = [
  ["baseline ready", b.readyMs, "ms"], ["baseline idle RSS", b.rssMB, "MB"], ["baseline SIGTERM→exit", b.stopMs, "ms"],
  ["first boot ready", f.readyMs, "ms", `${verdict(pass.firstBoot, "5000 ms")}  ×${ratios.firstBootReady} baseline`],
  ["first boot idle RSS", f.rssMB, "MB", verdict(f.rssMB.median <= TARGETS.idleRssMB, "150 MB")],
  ["first boot peak RSS", f.peakMB, "MB"], ["first boot SIGTERM→exit", f.stopMs, "ms"],
  ["warm ready", w.readyMs, "ms", `${verdict(pass.warm, "1000 ms")}  ×${ratios.warmReady} baseline`],
  ["warm idle RSS", w.rssMB, "MB", `${verdict(w.rssMB.median <= TARGETS.idleRssMB, "150 MB")}  ×${ratios.idleRss} baseline`],
  ["warm peak RSS", w.peakMB, "MB"], ["warm SIGTERM→exit", w.stopMs, "ms"],
];
console.log(`\nkonstruct startup — ${runs} runs, bun ${Bun.version}, ${IDLE_MS / 1000} s idle before RSS\n${"metric".padEnd(26)}${["median", "min", "max"].map((h) => h.padStart(12)).join("")}`);
for (const [name, s, unit, note = ""] of table)
  console.log(`${name.padEnd(26)}${[s.median, s.min, s.max].map((v) => `${v} ${unit}`.padStart(12)).join("")}  ${note}`.trimEnd());
printJsonLast({ bench: "startup", bun: Bun.version, runs, idleMs: IDLE_MS, targets: TARGETS, pass, ratios, baseline: b, firstBoot: f, warm: w });
process.exit(0); // fires the exit hook in lib.ts: temp dirs removed, no child left behind
