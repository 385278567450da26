/** `konstruct admin create` as a subprocess on an embedded data dir: exit codes and the user it makes. */
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { eq } from "drizzle-orm";
import { openDatabase } from "../../db/database.ts";
import { loginThrottle, platformAudit, users } from "../../db/schema/index.ts";
import { tempDir } from "../../../test/support/db.ts";

const MAIN = resolve(import.meta.dir, "..", "main.ts");
const dir = tempDir("konstruct-admin-cli-");
afterAll(() => dir.remove());

async function run(args: string[], stdin?: string) {
  const child = Bun.spawn(["bun", MAIN, ...args], {
    cwd: dir.path,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir.path },
    stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, stdout, stderr };
}

describe("konstruct admin create", () => {
  test("creates a platform admin from a password file, with an argon2id hash; refuses a second with that e-mail", async () => {
    writeFileSync(join(dir.path, "pw"), "a long password\n");
    const r = await run(["admin", "create", "--email", "Boss@Example.com", "--password-file", "pw"]);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, "created platform admin boss@example.com\n", ""]);
    const again = await run(["admin", "create", "--email", "boss@example.com", "--password-file", "-"], "another long one\n");
    expect([again.code, again.stderr]).toEqual([1, "konstruct: email: boss@example.com already has an account\n"]);
    const db = await openDatabase({ url: "", dataDir: join(dir.path, "data"), poolSize: 1, connectAttempts: 1 });
    try {
      const [u] = await db.platform((tx) => tx.select().from(users).where(eq(users.email, "boss@example.com")));
      expect(u!.role).toBe("platform_admin");
      expect(u!.passwordHash).toStartWith("$argon2id$");
      expect(await Bun.password.verify("a long password", u!.passwordHash)).toBe(true);
    } finally {
      await db.close();
    }
  }, 90_000);

  test("bad usage is exit 2 with one line; an unknown tenant is exit 1", async () => {
    const cases: [string[], number, string][] = [
      [["admin"], 2, "konstruct: unknown admin subcommand '' (see konstruct admin --help)"],
      [["admin", "create"], 2, "konstruct: --email is required (see konstruct admin create --help)"],
      [["admin", "create", "--email", "a@b.cd", "--role", "operator"], 2, "konstruct: --tenant is required for operator"],
      [["admin", "create", "--email", "a@b.cd", "--role", "king"], 2, "konstruct: --role must be one of platform_admin, tenant_admin, operator"],
      [["admin", "create", "--email", "a@b.cd"], 2, "konstruct: no terminal to prompt on: use --password-file PATH (or '-' for stdin)"],
    ];
    for (const [args, code, line] of cases) {
      const r = await run(args);
      expect([r.code, r.stderr]).toEqual([code, `${line}\n`]);
    }
    const r = await run(["admin", "create", "--email", "a@b.cd", "--role", "operator", "--tenant", "nope", "--password-file", "pw"]);
    expect([r.code, r.stderr]).toEqual([1, "konstruct: no tenant with slug 'nope'\n"]);
  }, 90_000);

  test("unlock clears an account's failed sign-ins; reset-password sets a generated or given one and ends its sessions", async () => {
    const open = () => openDatabase({ url: "", dataDir: join(dir.path, "data"), poolSize: 1, connectAttempts: 1 });
    let db = await open();
    await db.platform((tx) => tx.insert(loginThrottle).values([{ key: "account:boss@example.com", failures: 9 }, { key: "ip:192.0.2.1", failures: 9 }]));
    await db.close();
    const unlocked = await run(["admin", "unlock", "Boss@example.com"]);
    expect([unlocked.code, unlocked.stdout]).toEqual([0, "boss@example.com may sign in again (its failed attempts were cleared)\n"]);
    const reset = await run(["admin", "reset-password", "boss@example.com"]);
    expect(reset.code).toBe(0);
    const generated = /new password for boss@example\.com: (\S+)\n/.exec(reset.stdout)![1]!;
    expect(generated.length).toBeGreaterThanOrEqual(24);
    db = await open();
    try {
      const [u] = await db.platform((tx) => tx.select().from(users).where(eq(users.email, "boss@example.com")));
      expect(await Bun.password.verify(generated, u!.passwordHash)).toBe(true);
      expect(await Bun.password.verify("a long password", u!.passwordHash)).toBe(false);
      expect((await db.platform((tx) => tx.select().from(loginThrottle))).map((r) => r.key)).toEqual(["ip:192.0.2.1"]);
    } finally {
      await db.close();
    }
    const given = await run(["admin", "reset-password", "boss@example.com", "--password-file", "-"], "a chosen long passphrase\n");
    expect([given.code, given.stdout]).toEqual([0, "password of boss@example.com changed; all its sessions were ended\n"]);
    const all = await run(["admin", "unlock", "--all"]);
    expect([all.code, all.stdout]).toEqual([0, "cleared 1 throttling record(s)\n"]);
    const ghost = await run(["admin", "reset-password", "ghost@example.com"]);
    expect([ghost.code, ghost.stderr]).toEqual([1, "konstruct: no console user ghost@example.com\n"]);
  }, 120_000);

  test("reset-2fa removes a user's second factor (secret, recovery codes) and leaves a trail entry", async () => {
    const open = () => openDatabase({ url: "", dataDir: join(dir.path, "data"), poolSize: 1, connectAttempts: 1 });
    let db = await open();
    await db.platform((tx) => tx.update(users).set({ totpSecret: new Uint8Array([1, 2, 3]), totpEnabledAt: new Date(), totpLastStep: 5, totpRecovery: ["ab"] }).where(eq(users.email, "boss@example.com")));
    await db.close();
    const r = await run(["admin", "reset-2fa", "Boss@example.com"]);
    expect([r.code, r.stdout]).toEqual([0, "two-factor sign-in of boss@example.com removed; they can set it up again\n"]);
    db = await open();
    try {
      const [u] = await db.platform((tx) => tx.select().from(users).where(eq(users.email, "boss@example.com")));
      expect([u!.totpSecret, u!.totpEnabledAt, u!.totpLastStep, u!.totpRecovery]).toEqual([null, null, null, []]);
      const trail = await db.platform((tx) => tx.select().from(platformAudit).where(eq(platformAudit.kind, "two_factor")));
      expect(trail.map((e) => [e.actor, e.summary])).toEqual([["konstruct admin (CLI)", "removed the two-factor sign-in of boss@example.com"]]);
    } finally {
      await db.close();
    }
    const none = await run(["admin", "reset-2fa", "boss@example.com"]);
    expect([none.code, none.stdout]).toEqual([0, "boss@example.com had no two-factor sign-in\n"]);
    expect((await run(["admin", "reset-2fa", "ghost@example.com"])).stderr).toBe("konstruct: no console user ghost@example.com\n");
  }, 120_000);
});
