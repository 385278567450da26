/**
 * External Postgres: a logical backup without pg_dump would mean re-implementing it, so this uses
 * the real tools when they are on PATH (custom format: compressed, restorable table by table) and
 * otherwise says to use the database's own backup. The password never appears on a command line
 * (other users see argv in ps): it goes to the tool through PGPASSWORD.
 */
import { KonstructError } from "../errors.ts";

function connection(url: string): { dbname: string; env: Record<string, string> } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = "";
  return { dbname: u.toString(), env: password ? { PGPASSWORD: password } : {} };
}

function tool(name: "pg_dump" | "pg_restore"): string {
  const path = Bun.which(name, { PATH: process.env.PATH ?? "" });
  if (!path)
    throw new KonstructError(
      "unavailable",
      `${name} is not on PATH: install the PostgreSQL client tools (the server's major version or newer), or back up the external database with its own tools (pg_dump -Fc, your provider's snapshots) and data_dir's skills/ and tenants/ beside it`,
    );
  return path;
}

async function run(argv: string[], env: Record<string, string>, what: string): Promise<void> {
  const child = Bun.spawn(argv, { env: { ...process.env, ...env }, stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  const [code, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
  if (code !== 0) throw new KonstructError("internal", `${what} failed: ${stderr.trim().split("\n").at(-1) ?? `exit ${code}`}`);
}

export async function pgDumpToFile(url: string, file: string): Promise<void> {
  const { dbname, env } = connection(url);
  await run([tool("pg_dump"), "--format=custom", "--no-owner", `--file=${file}`, `--dbname=${dbname}`], env, "pg_dump");
}

/** `clean`: drop what exists first (restore --force over a database that has Konstruct's tables). */
export async function pgRestoreFromFile(url: string, file: string, clean: boolean): Promise<void> {
  const { dbname, env } = connection(url);
  const argv = [tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction", `--dbname=${dbname}`];
  if (clean) argv.push("--clean", "--if-exists");
  await run([...argv, file], env, "pg_restore");
}
