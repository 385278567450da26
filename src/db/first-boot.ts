/**
 * First boot of an embedded data dir happens in a short-lived child process: restoring the template
 * (or running initdb from source), the first migrations and copying the assets out of the binary leaves ~40 MB that the
 * runtime never hands back to the OS. The serving process then opens an already-initialised data
 * dir exactly as on every later start, so its idle memory is the same on day one.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { KonstructError } from "../errors.ts";

/** Hidden CLI command run by the child (cli/main.ts dispatches it). */
export const FIRST_BOOT_COMMAND = "internal-init-embedded";

export async function initEmbeddedInChild(pgDir: string): Promise<void> {
  if (existsSync(join(pgDir, "PG_VERSION"))) return;
  const self = Bun.isStandaloneExecutable ? [process.execPath] : [process.execPath, join(import.meta.dir, "../cli/main.ts")];
  const child = Bun.spawn([...self, FIRST_BOOT_COMMAND, pgDir], { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  const [code, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
  if (code !== 0)
    throw new KonstructError("internal", `could not initialise the embedded database in ${pgDir}: ${stderr.trim().split("\n").at(-1)}`);
}

/**
 * The child's side: create the data dir and apply the migrations (their DDL grows PGlite's caches,
 * which wasm memory never returns), close cleanly, exit.
 */
export async function initEmbedded(pgDir: string): Promise<void> {
  const { openEmbeddedPglite } = await import("./embedded.ts");
  const { pgTemplate } = await import("./pg-template.ts");
  const { pgliteDriver } = await import("./driver-pglite.ts");
  const { migrate } = await import("./migrate.ts");
  const pg = await openEmbeddedPglite(pgDir, { template: pgTemplate() });
  try {
    await migrate(pgliteDriver(pg).raw);
  } finally {
    await pg.close();
  }
}
