/**
 * The compiled binary for end-to-end tests: built when dist/konstruct is missing (a clean clone,
 * i.e. CI), or once per test run when KTEST_REBUILD is set — locally a stale dist/ would otherwise
 * be what is tested. One build serves every binary test file of the run.
 */
import { existsSync, writeFileSync } from "node:fs";
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
