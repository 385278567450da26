/**
 * `konstruct admin create|unlock|reset-password|reset-2fa`: console accounts without a browser — the first
 * platform admin on a headless install, a tenant user, and the way back in (admin-account.ts).
 * A password comes from a file (`-` = stdin) or a hidden prompt; never from an argument, which
 * would land in shell history and `ps`.
 */
import { eq } from "drizzle-orm";
import { readFileSync } from "node:fs";
import { type Role, ROLES } from "../../admin/auth/principal.ts";
import { createUser } from "../../admin/accounts/users.ts";
import { openDatabase } from "../../db/database.ts";
import { migrate } from "../../db/migrate.ts";
import { tenants } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import { type Command, COMMON_USAGE, load, parse } from "../command.ts";
import { resetPassword, resetTwoFactor, unlock } from "./admin-account.ts";

export const admin: Command = {
  name: "admin",
  usage: `Usage: konstruct admin create --email EMAIL [options]
       konstruct admin unlock EMAIL | --all
       konstruct admin reset-password EMAIL [--password-file PATH]
       konstruct admin reset-2fa EMAIL

create          a user of the admin console (default: a platform admin); migrates the database first
unlock          clears the failed sign-ins of EMAIL (or of every account and IP with --all)
reset-password  sets a new password (from --password-file, else a generated one, printed once),
                signs the user out everywhere and clears the failed sign-ins
reset-2fa       removes the user's two-factor sign-in (lost phone and recovery codes); audited
On the embedded database the server must not be running (one process owns the data dir).

Options:
  -e, --email EMAIL        login e-mail (required)
      --password-file PATH read the password from PATH ('-' = stdin); default: prompt
      --role ROLE          platform_admin (default), tenant_admin or operator
      --all                unlock: every account and IP
  -t, --tenant SLUG        the tenant of a tenant_admin or operator
${COMMON_USAGE}`,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === "--help" || sub === "-h") return console.log(this.usage), 0;
    if (!sub || !["create", "unlock", "reset-password", "reset-2fa"].includes(sub))
      throw new KonstructError("usage", `unknown admin subcommand '${sub ?? ""}' (see konstruct admin --help)`);
    const { values, positionals } = parse(rest, {
      email: { type: "string", short: "e" },
      "password-file": { type: "string" },
      role: { type: "string" },
      tenant: { type: "string", short: "t" },
      all: { type: "boolean" },
    }, true);
    if (values.help) return console.log(this.usage), 0;
    if (sub === "unlock") return console.log(await unlock(positionals[0] ?? values.email, !!values.all, values.config)), 0;
    if (sub === "reset-2fa") {
      const email = positionals[0] ?? values.email;
      if (!email) throw new KonstructError("usage", "name the account: konstruct admin reset-2fa EMAIL");
      const r = await resetTwoFactor(email, values.config);
      console.log(r.removed ? `two-factor sign-in of ${r.email} removed; they can set it up again` : `${r.email} had no two-factor sign-in`);
      return 0;
    }
    if (sub === "reset-password") {
      const email = positionals[0] ?? values.email;
      if (!email) throw new KonstructError("usage", "name the account: konstruct admin reset-password EMAIL");
      const r = await resetPassword(email, values["password-file"] ? readPasswordFile(values["password-file"]) : null, values.config);
      console.log(r.generated ? `new password for ${r.email}: ${r.generated}\n(shown once; all its sessions were ended)` : `password of ${r.email} changed; all its sessions were ended`);
      return 0;
    }
    if (!values.email) throw new KonstructError("usage", "--email is required (see konstruct admin create --help)");
    const role = (values.role ?? "platform_admin") as Role;
    if (!ROLES.includes(role)) throw new KonstructError("usage", `--role must be one of ${ROLES.join(", ")}`);
    if ((role === "platform_admin") === !!values.tenant)
      throw new KonstructError("usage", role === "platform_admin" ? "a platform admin has no --tenant" : `--tenant is required for ${role}`);
    const { config } = load(values.config);
    const password = values["password-file"] ? readPasswordFile(values["password-file"]) : await promptPassword();
    const db = await openDatabase({ url: config.database.url, dataDir: config.data_dir, poolSize: 1, connectAttempts: config.database.connect_attempts });
    try {
      await migrate(db.driver.raw);
      let tenantId: string | null = null;
      if (values.tenant) {
        const [t] = await db.platform((tx) => tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, values.tenant!)));
        if (!t) throw new KonstructError("not_found", `no tenant with slug '${values.tenant}'`);
        tenantId = t.id;
      }
      const user = await createUser(db, { email: values.email, password, role, tenantId });
      console.log(`created ${role.replace("_", " ")} ${user.email}`);
      return 0;
    } finally {
      await db.close();
    }
  },
};

function readPasswordFile(path: string): string {
  const text = path === "-" ? readFileSync(0, "utf8") : readFileSync(path, "utf8");
  // The first line only: files written with `echo` end in a newline that is not part of it.
  return text.split(/\r?\n/)[0] ?? "";
}

async function promptPassword(): Promise<string> {
  if (!process.stdin.isTTY) throw new KonstructError("usage", "no terminal to prompt on: use --password-file PATH (or '-' for stdin)");
  const first = await readHidden("Password: ");
  const second = await readHidden("Repeat password: ");
  if (first !== second) throw new KonstructError("usage", "the passwords differ");
  return first;
}

/** Reads one line from the terminal without echoing it. */
function readHidden(question: string): Promise<string> {
  process.stderr.write(question);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  let value = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString("utf8")) {
        if (ch === "\r" || ch === "\n") return done(() => resolve(value));
        if (ch === "\u0003") return done(() => reject(new KonstructError("usage", "cancelled")));
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    const done = (then: () => void) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
      then();
    };
    stdin.on("data", onData);
  });
}
