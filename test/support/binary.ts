/**
 * The compiled binary for end-to-end tests: built when dist/konstruct is missing (a clean clone,
 * i.e. CI), or once per test run when KTEST_REBUILD is set — locally a stale dist/ would otherwise
 * be what is tested. One build serves every binary test file of the run, also when `bun test
 * --parallel` runs them in several worker processes at once: the build happens under a lock
 * (dist/.build-lock), into a temporary file renamed into place, so no worker ever starts a
 * half-written binary and the others wait for the one build instead of compiling again.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { Subprocess } from "bun";
import { join } from "node:path";
import { securityConfig } from "./outbound.ts";

export const ROOT = join(import.meta.dir, "../..");
export const BINARY = join(ROOT, "dist/konstruct");
const LOCK = join(ROOT, "dist/.build-lock");
const BUILT_BY = join(ROOT, "dist/.built-by-run");
// Parallel workers are children of one `bun test`; without --parallel the run is this process.
const RUN = String(process.env.BUN_TEST_WORKER_ID ? process.ppid : process.pid);

function current(): boolean {
  if (!existsSync(BINARY)) return false;
  return !process.env.KTEST_REBUILD || (existsSync(BUILT_BY) && readFileSync(BUILT_BY, "utf8") === RUN);
}

export function ensureBinary(): string {
  if (current()) return BINARY;
  mkdirSync(join(ROOT, "dist"), { recursive: true });
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, "pid"), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      if (!holderAlive()) rmSync(LOCK, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`dist/konstruct: another build still holds ${LOCK} after 10 min`);
      else Bun.sleepSync(250);
    }
  }
  try {
    if (current()) return BINARY; // another worker built it while this one waited
    const tmp = `${BINARY}.${process.pid}.tmp`;
    const build = Bun.spawnSync(["bun", "scripts/build.ts", "--outfile", tmp], { cwd: ROOT, stdout: "ignore", stderr: "pipe" });
    if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr.toString()}`);
    renameSync(tmp, BINARY);
    if (existsSync(`${tmp}.map`)) renameSync(`${tmp}.map`, `${BINARY}.map`);
    writeFileSync(BUILT_BY, RUN);
    return BINARY;
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** A lock left by a build that died (killed run) must not stall later runs for 10 minutes. */
function holderAlive(): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(LOCK, "pid"), "utf8"));
  } catch {
    return true; // just created, pid not written yet
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * konstruct.config.yaml for a binary under test: loopback emulators allowed as an operator would
 * allow an on-prem endpoint, the server on `port`, the LLM mock as provider "mock"; `rest` adds the
 * scenario's tenants and settings.
 */
export function writeBinaryConfig(dir: string, port: number, llmUrl: string, rest: Record<string, unknown>): void {
  writeFileSync(
    join(dir, "konstruct.config.yaml"),
    JSON.stringify({
      security: securityConfig,
      server: { host: "127.0.0.1", port },
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llmUrl }] },
      ...rest,
    }),
  );
}

/**
 * `konstruct serve` as a child in `dir` (its konstruct.config.yaml there) with a bare environment,
 * and the CLI beside it on the same data dir — the embedded database is one process's, so accounts
 * are made while the server is stopped.
 */
export function servedBinary(dir: string, base: string) {
  const binary = ensureBinary();
  const env = { PATH: "/usr/bin:/bin", HOME: dir };
  let child: Subprocess | undefined;
  return {
    async serve() {
      child = Bun.spawn([binary, "serve"], { cwd: dir, env, stdout: "ignore", stderr: "inherit" });
      const deadline = Date.now() + 60_000;
      while (!(await fetch(`${base}/readyz`).catch(() => null))?.ok) {
        if (Date.now() > deadline) throw new Error("binary not ready within 60 s");
        if (child.exitCode !== null) throw new Error(`binary exited (${child.exitCode}) before ready`);
        await Bun.sleep(100);
      }
    },
    async stop() {
      child?.kill("SIGTERM");
      await child?.exited;
      child = undefined;
    },
    /** `konstruct admin create` with the password in `dir/pw`; fails loudly on any complaint. */
    createAccount(email: string, role: string, tenant?: string) {
      const args = ["admin", "create", "--email", email, "--role", role, ...(tenant ? ["--tenant", tenant] : []), "--password-file", "pw"];
      const r = Bun.spawnSync([binary, ...args], { cwd: dir, env });
      if (r.exitCode !== 0 || r.stderr.length) throw new Error(`admin create ${email}: exit ${r.exitCode}: ${r.stderr.toString()}`);
    },
  };
}
