/**
 * The compiled binary for end-to-end tests: built when dist/konstruct is missing (a clean clone,
 * i.e. CI), or once per test run when KTEST_REBUILD is set — locally a stale dist/ would otherwise
 * be what is tested. One build serves every binary test file of the run.
 */
import { existsSync, writeFileSync } from "node:fs";
import type { Subprocess } from "bun";
import { join } from "node:path";
import { securityConfig } from "./outbound.ts";

export const ROOT = join(import.meta.dir, "../..");
export const BINARY = join(ROOT, "dist/konstruct");

let builtThisRun = false;

export function ensureBinary(): string {
  if (builtThisRun || (existsSync(BINARY) && !process.env.KTEST_REBUILD)) return BINARY;
  const build = Bun.spawnSync(["bun", "run", "build"], { cwd: ROOT, stdout: "ignore", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr.toString()}`);
  builtThisRun = true;
  return BINARY;
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
