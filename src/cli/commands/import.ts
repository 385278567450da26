/**
 * `konstruct import FILE [--dry-run]`: applies tenants written by `konstruct export` (or any
 * `tenants:` list in the config's shape) with the provisioning config as code runs at start.
 * Validated whole before anything is written; other tenants and the LLM providers are not touched.
 */
import { eq } from "drizzle-orm";
import { resolve } from "node:path";
import pino from "pino";
import { type Database, openDatabase } from "../../db/database.ts";
import { assertCompatible, migrate, migrationStatus } from "../../db/migrate.ts";
import { tenants, triggers } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import { checkVariables, declaredSlugs, knownProviders, parseImportDocument, readImportFile, validateImport } from "../../portability/import.ts";
import { planImport } from "../../portability/plan.ts";
import { applyProvisioning } from "../../provisioning/apply.ts";
import { SecretBox } from "../../secrets/box.ts";
import { type Command, COMMON_USAGE, load, parse } from "../command.ts";

export const importCommand: Command = {
  name: "import",
  usage: `Usage: konstruct import FILE [--dry-run] [options]

Applies the tenants in FILE (at most 5 MB; the shape 'konstruct export' writes) as config as code
does at start: \${VAR} is filled from the environment (all missing ones are named, nothing is
written), each tenant is validated, then upserted, each in its own transaction; a run that fails
part-way removes the tenants it created, so none is left behind empty. Rows an earlier import or the config file made
and FILE no longer declares are removed within its tenants; console-made rows, other tenants and
LLM providers are left alone. Migrates the database first (a dry run refuses one with pending
migrations instead). On the embedded database the server must not be running.

Options:
      --dry-run       validate and print what would be created, updated and removed
${COMMON_USAGE}`,
  async run(argv) {
    const { values, positionals } = parse(argv, { "dry-run": { type: "boolean" } }, true);
    if (values.help) return console.log(this.usage), 0;
    if (positionals.length !== 1) throw new KonstructError("usage", "import takes one file: konstruct import FILE");
    const file = resolve(positionals[0]!);
    const doc = parseImportDocument(readImportFile(file), file);
    checkVariables(doc, file, process.env);
    const { config } = load(values.config);
    const dataDir = resolve(config.data_dir);
    const db = await openDatabase({ url: config.database.url, dataDir, poolSize: 1, connectAttempts: config.database.connect_attempts });
    try {
      const status = await migrationStatus(db.driver.raw);
      assertCompatible(status);
      // A dry run writes nothing, migrations included.
      if (values["dry-run"] && status.pending.length) throw new KonstructError("schema_stale", `the database has ${status.pending.length} pending migration(s): run 'konstruct migrate' (or import without --dry-run, which migrates) first`);
      if (status.pending.length) await migrate(db.driver.raw);
      const declared = validateImport(doc, file, process.env, await knownProviders(db, declaredSlugs(doc)));
      if (values["dry-run"]) {
        for (const line of await planImport(db, declared)) console.log(line);
        console.log("dry run: nothing was written");
        return 0;
      }
      const box = await SecretBox.open(config.secrets.key, dataDir);
      // Silent: provisioning's start-up log lines (other tenants "no longer in the config") do not fit an import.
      const summary = await applyProvisioning({ tenants: declared, llm: { providers: [], prices: {} } }, db, box, pino({ level: "silent" }));
      for (const a of summary.unscopedWhatsApp) console.error(`konstruct: warning: WhatsApp agent ${a} has no business-function scope (Meta bans general-purpose assistants)`);
      for (const t of declared) for (const path of await hookPaths(db, t.slug)) console.log(`tenant ${t.slug}: ${path}`);
      console.log(`imported ${declared.map((t) => t.slug).join(", ")}: ${summary.agents} agents, ${summary.channels} channels, ${summary.teams} teams changed`);
      return 0;
    } finally {
      await db.close();
    }
  },
};

/** Webhook triggers get a new URL on this appliance: the senders must be told it. */
async function hookPaths(db: Database, slug: string): Promise<string[]> {
  const [t] = await db.platform((tx) => tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug)));
  const rows = await db.withTenant(t!.id, (tx) => tx.select({ name: triggers.name, publicId: triggers.publicId }).from(triggers).where(eq(triggers.kind, "webhook")));
  return rows.map((r) => `trigger ${r.name} listens at /hooks/trigger/${r.publicId}`);
}
