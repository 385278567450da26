import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { backupToFile, writeBackup } from "../../backup/backup.ts";
import { fetchBackup } from "../../backup/control.ts";
import { lockHolder } from "../../db/data-lock.ts";
import { openDatabase } from "../../db/database.ts";
import { KonstructError } from "../../errors.ts";
import { type Command, COMMON_USAGE, load, parse } from "../command.ts";

export const backup: Command = {
  name: "backup",
  usage: `Usage: konstruct backup [--out FILE] [--include-key] [options]

Writes a consistent archive (.tar.gz with a manifest of sha256 checksums) of the database and of
data_dir's skills/ and tenants/. Embedded database: while 'serve' runs, the server writes it through
its control socket (data_dir/run/control.sock); otherwise it is read directly. External database:
pg_dump (custom format) must be on PATH. The archive is verified before it is renamed into place.

Options:
  -o, --out FILE      where to write (default ./konstruct-backup-<time>.tar.gz)
      --include-key   also store the master key (data_dir/secret.key); anyone with the file can
                      then open every sealed secret — keep it as safe as the key itself
${COMMON_USAGE}`,
  async run(argv) {
    const { values } = parse(argv, { out: { type: "string", short: "o" }, "include-key": { type: "boolean" } });
    if (values.help) return console.log(this.usage), 0;
    const { config } = load(values.config);
    const dataDir = resolve(config.data_dir);
    const includeKey = values["include-key"] ?? false;
    const out = resolve(values.out ?? `konstruct-backup-${new Date().toISOString().replace(/[:.]/g, "-")}.tar.gz`);
    if (existsSync(out)) throw new KonstructError("usage", `${out} exists; choose another --out`);
    if (includeKey)
      console.error(
        config.secrets.key
          ? "konstruct: warning: the master key is set in the config (secrets.key), not in data_dir: it is NOT in this backup; keep it with the archive"
          : "konstruct: warning: this backup includes the master key; whoever holds the file can open every sealed secret",
      );
    const holder = config.database.url ? null : lockHolder(join(dataDir, "pg.lock"));
    const result = await backupToFile(out, async (o) => {
      if (holder) {
        const stream = await fetchBackup(dataDir, includeKey);
        if (!stream) throw new KonstructError("unavailable", `konstruct (pid ${holder}) holds ${dataDir} but its control socket (data_dir/run/control.sock) cannot be reached: run this as the service's user or root (or the server predates backups: stop it and run this again)`);
        return pipeline(Readable.fromWeb(stream as never), o);
      }
      if (!config.database.url && !existsSync(join(dataDir, "pg", "PG_VERSION"))) throw new KonstructError("not_found", `no embedded database in ${dataDir}: nothing to back up`);
      const db = await openDatabase({ url: config.database.url, dataDir, poolSize: 1, connectAttempts: config.database.connect_attempts });
      try {
        return await writeBackup(o, { db, dataDir, includeKey, url: config.database.url, scratchDir: dirname(out) });
      } finally {
        await db.close();
      }
    });
    const m = result.manifest;
    console.log(
      `backup written: ${out} (${(result.bytes / 1024 / 1024).toFixed(1)} MB, ${m.parts.length} parts, ${m.database} database, schema ${m.schema.migrations.at(-1) ?? "empty"}, master key ${m.includes_key ? "included" : "not included"}${holder ? ", taken from the running server" : ""})`,
    );
    return 0;
  },
};
