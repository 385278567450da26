#!/usr/bin/env bun
/**
 * `konstruct` entry point. Exit codes: 0 ok, 1 failure at run time, 2 bad usage or bad config.
 * Errors print one line: `konstruct: <reason>`.
 */
import { KonstructError } from "../errors.ts";
import type { Command } from "./command.ts";
import { config } from "./commands/config.ts";
import { doctor } from "./commands/doctor.ts";
import { migrate } from "./commands/migrate.ts";
import { serve } from "./commands/serve.ts";
import { version } from "./commands/version.ts";

const COMMANDS: Command[] = [serve, migrate, doctor, config, version];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: konstruct <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Run 'konstruct <command> --help' for a command's options.`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name ? 0 : 2;
  }
  if (name === "--version" || name === "-v") return version.run([]);
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`konstruct: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    console.error(`konstruct: ${oneLine(e)}`);
    if (e instanceof KonstructError) return e.code === "config_invalid" ? 2 : 1;
    if ((e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) return 2;
    return 1;
  }
}

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
}

if (import.meta.main) {
  const code = await main(process.argv.slice(2));
  process.exit(code);
}
