import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { restoreBackup } from "../../backup/restore.ts";
import { KonstructError } from "../../errors.ts";
import { type Command, COMMON_USAGE, load, parse } from "../command.ts";

export const restore: Command = {
  name: "restore",
  usage: `Usage: konstruct restore FILE [--force] [options]

Restores an archive written by 'konstruct backup' (or serve's pre-upgrade backup) into data_dir and,
for an external database, into database.url (pg_restore must be on PATH). Every part is checked
against the manifest first; a damaged or altered archive, or one from a newer schema, is refused
before anything is changed. The server must be stopped. Then start it with 'konstruct serve'.

Options:
      --force         restore although data_dir (or the database) holds data: what is replaced is
                      moved to data_dir/backups/replaced-<time>/ (the database's objects are dropped)
${COMMON_USAGE}`,
  async run(argv) {
    const { values, positionals } = parse(argv, { force: { type: "boolean" } }, true);
    if (values.help) return console.log(this.usage), 0;
    if (positionals.length !== 1) throw new KonstructError("usage", "restore takes one archive: konstruct restore FILE");
    const file = resolve(positionals[0]!);
    if (!existsSync(file)) throw new KonstructError("not_found", `${file}: no such file`);
    const { config } = load(values.config);
    const dataDir = resolve(config.data_dir);
    const { manifest, notes } = await restoreBackup({
      file,
      dataDir,
      url: config.database.url,
      force: values.force ?? false,
      minFreeMb: config.disk.min_free_mb,
      configuredKey: config.secrets.key,
    });
    for (const note of notes) console.error(`konstruct: note: ${note}`);
    console.log(`restored ${manifest.database} backup of ${manifest.created_at} (konstruct ${manifest.konstruct_version}, schema ${manifest.schema.migrations.at(-1) ?? "empty"}) into ${dataDir}`);
    return 0;
  },
};
