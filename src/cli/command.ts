/** The shape every CLI command file exports. Commands return an exit code; errors are thrown. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { loadConfig, type LoadedConfig } from "../config/load.ts";

export interface Command {
  name: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

/** Flags every command accepts. */
export const COMMON_OPTIONS = {
  config: { type: "string", short: "c" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

export const COMMON_USAGE = `  -c, --config PATH   config file (else $KONSTRUCT_CONFIG, ./konstruct.config.yaml,
                      /etc/konstruct/konstruct.config.yaml, else built-in defaults)
  -h, --help          show this help`;

export function parse<O extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: O, positionals = false) {
  return parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, strict: true, allowPositionals: positionals });
}

export function load(configPath: string | undefined): LoadedConfig {
  return loadConfig({ path: configPath });
}
