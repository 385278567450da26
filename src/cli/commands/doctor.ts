import { runChecks } from "../../doctor/checks.ts";
import { type Command, COMMON_USAGE, load, parse } from "../command.ts";

export const doctor: Command = {
  name: "doctor",
  usage: `Usage: konstruct doctor [options]

Reports the config file in use, database mode and Postgres version, pgvector availability,
migration state, tenant isolation, the master key (that it opens a sample of the stored secrets
of every tenant), Redis reachability and each LLM provider's reachability.
Exits non-zero if anything required fails.

Options:
      --json          print the checks as JSON
${COMMON_USAGE}`,
  async run(argv) {
    const { values } = parse(argv, { json: { type: "boolean" } });
    if (values.help) return console.log(this.usage), 0;
    const { config, source } = load(values.config);
    const checks = await runChecks(config, source);
    if (values.json) console.log(JSON.stringify(checks, null, 2));
    else for (const c of checks) console.log(`${c.status.padEnd(4)}  ${c.name.padEnd(16)} ${c.detail}`);
    return checks.some((c) => c.status === "fail") ? 1 : 0;
  },
};
