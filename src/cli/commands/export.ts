/**
 * `konstruct export --tenant SLUG`: one tenant's agents, channels, schedules, triggers, teams,
 * escalation and secrets as YAML that config as code (and `konstruct import`) accepts. Secrets are
 * environment placeholders unless --with-secrets (src/portability/README.md).
 */
import { existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { openDatabase } from "../../db/database.ts";
import { assertCompatible, migrationStatus } from "../../db/migrate.ts";
import { KonstructError } from "../../errors.ts";
import { exportTenant } from "../../portability/export.ts";
import { SecretBox } from "../../secrets/box.ts";
import { type Command, COMMON_USAGE, load, parse } from "../command.ts";

export const exportCommand: Command = {
  name: "export",
  usage: `Usage: konstruct export --tenant SLUG [--out FILE] [--with-secrets] [options]

Writes one tenant as YAML in the config file's shape (tenants: [ … ]): its AI employees with their
channels, heartbeat, escalation and scope, its schedules, triggers, teams, escalation settings and
secret names. Every secret value is written as \${KX_<TENANT>_…}; stderr lists the variables
'konstruct import' will need. On the embedded database the server must not be running.

Options:
  -t, --tenant SLUG     the tenant to export
  -o, --out FILE        where to write (default: stdout); an existing file is not overwritten
      --with-secrets    write the secret values themselves — keep the file as safe as they are
${COMMON_USAGE}`,
  async run(argv) {
    const { values } = parse(argv, { tenant: { type: "string", short: "t" }, out: { type: "string", short: "o" }, "with-secrets": { type: "boolean" } });
    if (values.help) return console.log(this.usage), 0;
    if (!values.tenant) throw new KonstructError("usage", "export needs --tenant SLUG (see konstruct export --help)");
    const out = values.out ? resolve(values.out) : null;
    if (out && existsSync(out)) throw new KonstructError("usage", `${out} exists; choose another --out`);
    const { config } = load(values.config);
    const dataDir = resolve(config.data_dir);
    if (!config.database.url && !existsSync(join(dataDir, "pg", "PG_VERSION"))) throw new KonstructError("not_found", `no embedded database in ${dataDir}: nothing to export`);
    const box = await SecretBox.existing(config.secrets.key, dataDir);
    if (!box) throw new KonstructError("not_found", `no master key (secrets.key or ${join(dataDir, "secret.key")}): the sealed secrets cannot be read`);
    const db = await openDatabase({ url: config.database.url, dataDir, poolSize: 1, connectAttempts: config.database.connect_attempts });
    try {
      const status = await migrationStatus(db.driver.raw);
      assertCompatible(status);
      if (status.pending.length) throw new KonstructError("schema_stale", `the database has ${status.pending.length} pending migration(s): run 'konstruct migrate' first`);
      const withSecrets = values["with-secrets"] ?? false;
      const result = await exportTenant(db, box, values.tenant, { withSecrets });
      // Owner-only: even without values the file maps the tenant's whole setup.
      if (out) writeFileSync(out, result.yaml, { mode: 0o600, flag: "wx" });
      else process.stdout.write(result.yaml);
      for (const note of result.notes) console.error(`konstruct: note: ${note}`);
      if (withSecrets) console.error("konstruct: warning: the file holds the tenant's secret values in plain text; keep it as safe as the secrets themselves");
      else if (result.variables.length) console.error(`konstruct: the import will need these environment variables: ${result.variables.join(" ")}`);
      if (out) console.error(`konstruct: exported tenant ${values.tenant} to ${out}`);
      return 0;
    } finally {
      await db.close();
    }
  },
};
