/**
 * An older binary started on a database a newer one migrated is refused (db/migrate.ts); on the
 * embedded database the way back is the pre-upgrade backup the newer one took, so the refusal names
 * it: one line an operator can act on.
 */
import { join } from "node:path";
import { assertCompatible, type MigrationStatus } from "../db/migrate.ts";
import { KonstructError } from "../errors.ts";
import { archives } from "./retention.ts";

export async function refuseDowngrade(status: MigrationStatus, dataDir: string): Promise<never> {
  const dir = join(dataDir, "backups");
  const newest = archives(dir, "pre-upgrade-").at(-1);
  try {
    assertCompatible(status);
  } catch (e) {
    if (!newest || !(e instanceof KonstructError)) throw e;
    throw new KonstructError(e.code, `${e.message}, or go back to this version's data: konstruct restore --force ${join(dir, newest)}`);
  }
  throw new KonstructError("internal", "refuseDowngrade called on a compatible schema");
}
