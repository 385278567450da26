/**
 * `konstruct admin unlock` and `konstruct admin reset-password`: the way back in for an admin who
 * is throttled or forgot the password, from a shell on the host. A reset ends every session of the
 * user and clears its throttling; a generated password is printed once and stored only hashed.
 * `konstruct admin reset-2fa` removes a user's second factor (lost phone and recovery codes) and
 * writes the same trail entry as the console's Remove 2FA.
 */
import { eq } from "drizzle-orm";
import { accountKey, clearFailures } from "../../admin/accounts/throttle.ts";
import { normalizeEmail, setPassword } from "../../admin/accounts/users.ts";
import { recordPerson } from "../../admin/trail/record.ts";
import { removeTwoFactor } from "../../admin/two-factor/store.ts";
import { type Database, openDatabase } from "../../db/database.ts";
import { migrationStatus } from "../../db/migrate.ts";
import { users } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import { load } from "../command.ts";

async function withDatabase<T>(configPath: string | undefined, fn: (db: Database) => Promise<T>): Promise<T> {
  const { config } = load(configPath);
  const db = await openDatabase({ url: config.database.url, dataDir: config.data_dir, poolSize: 1, connectAttempts: config.database.connect_attempts });
  try {
    const s = await migrationStatus(db.driver.raw);
    if (s.pending.length) throw new KonstructError("schema_stale", "the database is not migrated yet: run 'konstruct migrate' first");
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Clears failed sign-ins of one account (`--all`: of every account and IP). */
export async function unlock(email: string | undefined, all: boolean, configPath?: string): Promise<string> {
  if (!email && !all) throw new KonstructError("usage", "name the account: konstruct admin unlock EMAIL (or --all)");
  return withDatabase(configPath, async (db) => {
    const n = all ? await clearFailures(db) : await clearFailures(db, accountKey(normalizeEmail(email!)));
    return all ? `cleared ${n} throttling record(s)` : `${normalizeEmail(email!)} may sign in again (${n ? "its failed attempts were cleared" : "it had no failed attempts"})`;
  });
}

/** A new password for an existing user: the one given, or a generated one (returned to print). */
export async function resetPassword(email: string, given: string | null, configPath?: string): Promise<{ email: string; generated: string | null }> {
  const address = normalizeEmail(email);
  const generated = given === null ? Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64url") : null;
  return withDatabase(configPath, async (db) => {
    const [u] = await db.platform((tx) => tx.select({ id: users.id }).from(users).where(eq(users.email, address)));
    if (!u) throw new KonstructError("not_found", `no console user ${address}`);
    await setPassword(db, u.id, given ?? generated!, null, address);
    await clearFailures(db, accountKey(address));
    return { email: address, generated };
  });
}

/** Removes the second factor of an existing user; false when it had none. */
export async function resetTwoFactor(email: string, configPath?: string): Promise<{ email: string; removed: boolean }> {
  const address = normalizeEmail(email);
  return withDatabase(configPath, async (db) => {
    const [u] = await db.platform((tx) => tx.select({ id: users.id, tenantId: users.tenantId }).from(users).where(eq(users.email, address)));
    if (!u) throw new KonstructError("not_found", `no console user ${address}`);
    const removed = await removeTwoFactor(db, u.id);
    if (removed)
      await recordPerson(db, { userId: null, email: "konstruct admin (CLI)", tenantId: u.tenantId }, "", {
        kind: "two_factor",
        summary: `removed the two-factor sign-in of ${address}`,
        data: { step: "reset", target_user_id: u.id, email: address, via: "cli" },
      });
    return { email: address, removed };
  });
}
