/**
 * doctor's `backups` line (embedded database): the newest archive in data_dir/backups and its age;
 * a warning when there is none, or when scheduled backups are on and the newest is over two periods
 * old (they are failing or the server is not running). External databases keep their own backups.
 */
import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { archives } from "../backup/retention.ts";
import type { Config } from "../config/schema.ts";
import type { Check } from "./checks.ts";

const HOUR = 3_600_000;

export function backupsCheck(config: Config, now = Date.now()): Check | null {
  if (config.database.url) return null;
  const dir = join(resolve(config.data_dir), "backups");
  const every = config.backup.every_hours;
  const newest = [...archives(dir, "scheduled-"), ...archives(dir, "pre-upgrade-")]
    .map((name) => ({ name, at: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.at - a.at)[0];
  if (!newest)
    return { name: "backups", status: "warn", detail: `none in ${dir}: take one with 'konstruct backup' (also while serving), or set backup.every_hours` };
  const hours = (now - newest.at) / HOUR;
  const age = hours < 48 ? `${hours.toFixed(1)} h` : `${(hours / 24).toFixed(1)} days`;
  const scheduledNewest = archives(dir, "scheduled-").at(-1);
  const scheduledAge = scheduledNewest ? (now - statSync(join(dir, scheduledNewest)).mtimeMs) / HOUR : Infinity;
  if (every > 0 && scheduledAge > 2 * every)
    return { name: "backups", status: "warn", detail: `scheduled every ${every} h, but the newest scheduled backup is ${scheduledNewest ? age : "missing"}: check serve's log for 'scheduled backup'` };
  return { name: "backups", status: "ok", detail: `newest ${newest.name}, ${age} old${every > 0 ? `; every ${every} h, keeping ${config.backup.keep}` : "; not scheduled (backup.every_hours)"} — copy them off this disk` };
}
