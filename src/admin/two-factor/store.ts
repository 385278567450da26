/**
 * A user's second factor in the database (users.totp_*). Every check and change locks the user's
 * row first, so the "a code is good once" and "a recovery code is good once" rules hold across
 * concurrent requests and replicas.
 */
import { eq, sql } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { users } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import type { SecretBox } from "../../secrets/box.ts";
import { matchStep, newRecoveryCodes, newSecret, recoveryHash } from "./totp.ts";

export interface TwoFactorState {
  enabled: boolean;
  /** The secret of an enrolment that was started and not yet confirmed. */
  pendingSecret: string | null;
  recoveryLeft: number;
}

const sealer = (box: SecretBox | null): SecretBox => {
  if (!box) throw new KonstructError("internal", "the secret store is not open");
  return box;
};

export async function twoFactorState(db: Database, box: SecretBox | null, userId: string): Promise<TwoFactorState> {
  const [u] = await db.platform((tx) => tx.select({ secret: users.totpSecret, on: users.totpEnabledAt, rec: users.totpRecovery }).from(users).where(eq(users.id, userId)));
  if (!u) throw new KonstructError("not_found", "no such user");
  const pendingSecret = !u.on && u.secret ? sealer(box).unseal(u.secret) : null;
  return { enabled: !!u.on, pendingSecret, recoveryLeft: u.rec.length };
}

/** A new secret for an enrolment (replacing an unconfirmed one); refused while one is enabled. */
export async function beginEnrolment(db: Database, box: SecretBox | null, userId: string): Promise<void> {
  const secret = sealer(box).seal(newSecret());
  const done = await db.platform((tx) => tx.update(users).set({ totpSecret: secret, totpLastStep: null, totpRecovery: [] }).where(sql`${users.id} = ${userId} and ${users.totpEnabledAt} is null`).returning({ id: users.id }));
  if (!done.length) throw new KonstructError("conflict", "two-factor sign-in is already on: turn it off first");
}

/** The first code proves the app has the secret: on, with fresh recovery codes (returned once). */
export async function confirmEnrolment(db: Database, box: SecretBox | null, userId: string, code: string, now = Date.now()): Promise<string[] | null> {
  return db.platform(async (tx) => {
    const [u] = await tx.select().from(users).where(eq(users.id, userId)).for("update");
    if (!u?.totpSecret || u.totpEnabledAt) return null;
    const step = matchStep(sealer(box).unseal(u.totpSecret), code.replace(/\s/g, ""), now);
    if (step === null) return null;
    const codes = newRecoveryCodes();
    await tx.update(users).set({ totpEnabledAt: new Date(now), totpLastStep: step, totpRecovery: codes.map(recoveryHash), updatedAt: new Date() }).where(eq(users.id, userId));
    return codes;
  });
}

/** The sign-in's second step: a current code not used before, or an unused recovery code (used up). */
export async function checkSecondFactor(db: Database, box: SecretBox | null, userId: string, typed: string, now = Date.now()): Promise<"totp" | "recovery" | null> {
  return db.platform(async (tx) => {
    const [u] = await tx.select().from(users).where(eq(users.id, userId)).for("update");
    if (!u?.totpSecret || !u.totpEnabledAt) return null;
    const step = matchStep(sealer(box).unseal(u.totpSecret), typed.replace(/\s/g, ""), now);
    if (step !== null) {
      if (u.totpLastStep !== null && step <= u.totpLastStep) return null;
      await tx.update(users).set({ totpLastStep: step }).where(eq(users.id, userId));
      return "totp";
    }
    const hash = recoveryHash(typed);
    if (!u.totpRecovery.includes(hash)) return null;
    await tx.update(users).set({ totpRecovery: u.totpRecovery.filter((h) => h !== hash) }).where(eq(users.id, userId));
    return "recovery";
  });
}

/** New recovery codes (the old ones stop working); null when two-factor is off. */
export async function renewRecoveryCodes(db: Database, userId: string): Promise<string[] | null> {
  const codes = newRecoveryCodes();
  const done = await db.platform((tx) => tx.update(users).set({ totpRecovery: codes.map(recoveryHash) }).where(sql`${users.id} = ${userId} and ${users.totpEnabledAt} is not null`).returning({ id: users.id }));
  return done.length ? codes : null;
}

/** Off: the secret, the recovery codes and the last step are gone. True when there was anything. */
export async function removeTwoFactor(db: Database, userId: string): Promise<boolean> {
  const done = await db.platform((tx) => tx.update(users).set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null, totpRecovery: [], updatedAt: new Date() }).where(sql`${users.id} = ${userId} and ${users.totpSecret} is not null`).returning({ id: users.id }));
  return done.length > 0;
}
