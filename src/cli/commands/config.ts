import { stringify } from "yaml";
import { redactTree } from "../../log/redact.ts";
import { type Command, COMMON_USAGE, load, parse } from "../command.ts";

export const config: Command = {
  name: "config",
  usage: `Usage: konstruct config [options]

Prints the configuration as serve would use it: file + \${VAR} interpolation + KONSTRUCT_*
environment overrides + defaults, validated, with every secret redacted.

Options:
${COMMON_USAGE}`,
  async run(argv) {
    const { values } = parse(argv, {});
    if (values.help) return console.log(this.usage), 0;
    const { config: resolved, source } = load(values.config);
    console.log(`# source: ${source ?? "built-in defaults"}`);
    process.stdout.write(stringify(redactTree(resolved)));
    return 0;
  },
};
