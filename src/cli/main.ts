#!/usr/bin/env bun
/**
 * `konstruct` entry point. Exit codes: 0 ok, 1 failure at run time, 2 bad usage, bad config or a
 * data_dir too full to start (an operator must act; systemd's RestartPreventExitStatus=2 stops retrying).
 * Errors print one line: `konstruct: <reason>`.
 */
import { KonstructError } from "../errors.ts";
import { FIRST_BOOT_COMMAND, initEmbedded } from "../db/first-boot.ts";
import { EXTRACT_COMMAND } from "../knowledge/extract-command.ts";
import type { Command } from "./command.ts";

/**
 * Commands load on demand: `serve` then never pays for doctor's Redis client and friends, which
 * keeps the appliance's idle memory down.
 */
const COMMANDS: { name: string; summary: string; load: () => Promise<Command> }[] = [
  { name: "serve", summary: "run the appliance (migrates, provisions from config, serves HTTP)", load: async () => (await import("./commands/serve.ts")).serve },
  { name: "chat", summary: "talk to an AI employee from the terminal, through the real pipeline", load: async () => (await import("./commands/chat.ts")).chat },
  { name: "admin", summary: "console accounts: admin create --email …, admin unlock EMAIL, admin reset-password EMAIL, admin reset-2fa EMAIL", load: async () => (await import("./commands/admin.ts")).admin },
  { name: "agents", summary: "hire an AI employee from a role template: agents new --template ID --tenant SLUG", load: async () => (await import("./commands/agents.ts")).agents },
  { name: "skills", summary: "list, validate and import skills (SKILL.md folders)", load: async () => (await import("./commands/skills.ts")).skills },
  { name: "backup", summary: "write a consistent archive of the database and data_dir files (also while serving)", load: async () => (await import("./commands/backup.ts")).backup },
  { name: "restore", summary: "restore a backup archive into an empty data_dir / database (verified first)", load: async () => (await import("./commands/restore.ts")).restore },
  { name: "export", summary: "write one tenant as config-as-code YAML (secrets as ${ENV} placeholders unless --with-secrets)", load: async () => (await import("./commands/export.ts")).exportCommand },
  { name: "import", summary: "apply tenants from an exported YAML file (validated first; --dry-run shows the changes)", load: async () => (await import("./commands/import.ts")).importCommand },
  { name: "migrate", summary: "apply pending database migrations (or show their status)", load: async () => (await import("./commands/migrate.ts")).migrate },
  { name: "doctor", summary: "check config, database, pgvector, migrations, redis and LLM providers", load: async () => (await import("./commands/doctor.ts")).doctor },
  { name: "models", summary: "pull an embedding model (online hosts) or check the configured one", load: async () => (await import("./commands/models.ts")).models },
  { name: "config", summary: "print the resolved configuration, secrets redacted", load: async () => (await import("./commands/config.ts")).config },
  { name: "version", summary: "print the version", load: async () => (await import("./commands/version.ts")).version },
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: konstruct <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Run 'konstruct <command> --help' for a command's options.`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === FIRST_BOOT_COMMAND && rest[0]) {
    return initEmbedded(rest[0]).then(
      () => 0,
      (e) => (console.error(`konstruct: ${oneLine(e)}`), 1),
    );
  }
  // Hidden: the server's document extraction child (knowledge/extract-child.ts).
  if (name === EXTRACT_COMMAND) return (await import("../knowledge/extract-child.ts")).extractChildMain();
  if (!name) {
    console.error(usage());
    return 2;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === (name === "--version" || name === "-v" ? "version" : name));
  if (!entry) {
    console.error(`konstruct: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    const command = await entry.load();
    return await command.run(rest);
  } catch (e) {
    console.error(`konstruct: ${oneLine(e)}`);
    if (e instanceof KonstructError) return e.code === "config_invalid" || e.code === "usage" || e.code === "insufficient_storage" ? 2 : 1;
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
