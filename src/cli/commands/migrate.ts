import { openDatabase } from "../../db/database.ts";
import { migrate as applyMigrations, migrationStatus } from "../../db/migrate.ts";
import { type Command, COMMON_USAGE, load, parse } from "../command.ts";

export const migrate: Command = {
  name: "migrate",
  usage: `Usage: konstruct migrate [options]

Applies the migrations compiled into this binary, in one transaction under an advisory lock.
Refuses a database whose schema is newer than this binary.

Options:
      --status        only print applied/pending migrations
${COMMON_USAGE}`,
  async run(argv) {
    const { values } = parse(argv, { status: { type: "boolean" } });
    if (values.help) return console.log(this.usage), 0;
    const { config } = load(values.config);
    const db = await openDatabase({
      url: config.database.url,
      dataDir: config.data_dir,
      poolSize: 1,
      connectAttempts: config.database.connect_attempts,
    });
    try {
      if (values.status) {
        const s = await migrationStatus(db.driver.raw);
        console.log(`applied ${s.applied} of ${s.known}; pending: ${s.pending.join(", ") || "none"}`);
        if (s.unknown.length) console.log(`unknown to this binary (schema is newer): ${s.unknown.join(", ")}`);
        return s.unknown.length || s.mismatched.length ? 1 : 0;
      }
      const applied = await applyMigrations(db.driver.raw);
      // A new embedded data dir is migrated while it is created (db/first-boot.ts), so "up to date"
      // is common on a first run too: say how many are in place.
      const s = await migrationStatus(db.driver.raw);
      console.log(applied.length ? `applied: ${applied.join(", ")}` : `schema is up to date (${s.applied} migrations applied)`);
      return 0;
    } finally {
      await db.close();
    }
  },
};
