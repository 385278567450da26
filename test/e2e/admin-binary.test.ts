/**
 * The admin console from the compiled binary: `konstruct admin create`, sign in over HTTP, create
 * a tenant with a personal access token, invite a user — mailed through a real SMTP server
 * (nodemailer is loaded lazily, so this proves the binary carries it) — and accept the invitation.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { eventually } from "../support/app.ts";
import { tempDir } from "../support/db.ts";
import { client } from "../support/http-client.ts";
import { startSmtp } from "../support/smtp.ts";
import { BINARY, ensureBinary } from "../support/binary.ts";
import { testPort } from "../support/ports.ts";

let dir: { path: string; remove(): void };
let smtp: Awaited<ReturnType<typeof startSmtp>>;

beforeAll(async () => {
  ensureBinary();
  smtp = await startSmtp();
  dir = tempDir("konstruct-admin-binary-");
}, 120_000);
afterAll(async () => {
  await smtp.stop();
  dir.remove();
});

test("admin create, sign in, API token, tenant, mailed invitation, accepted", async () => {
  const port = testPort();
  const base = `http://127.0.0.1:${port}`;
  writeFileSync(join(dir.path, "konstruct.config.yaml"), JSON.stringify({ server: { host: "127.0.0.1", port }, smtp: { host: "127.0.0.1", port: smtp.port } }));
  writeFileSync(join(dir.path, "pw"), "binary admin password\n");
  const env = { PATH: "/usr/bin:/bin", HOME: dir.path };
  const create = Bun.spawnSync([BINARY, "admin", "create", "--email", "root@example.com", "--password-file", "pw"], { cwd: dir.path, env });
  expect(create.stdout.toString()).toBe("created platform admin root@example.com\n");
  const child = Bun.spawn([BINARY, "serve"], { cwd: dir.path, env, stdout: "ignore", stderr: "inherit" });
  try {
    await eventually(async () => (await fetch(`${base}/readyz`).catch(() => null))?.ok, 30_000, "binary ready");
    const admin = client(base);
    await admin.send("/login");
    expect(await admin.form("/login", { email: "root@example.com", password: "binary admin password" })).toMatchObject({ status: 303, location: "/admin" });
    await admin.send("/admin/tokens");
    const tokenPage = await admin.form("/admin/tokens", { name: "binary" });
    const token = /class="secret-once">(kpat_[A-Za-z0-9_-]+)</.exec(tokenPage.text)![1]!;
    const made = await fetch(`${base}/api/v1/tenants`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ slug: "acme", name: "Acme" }),
    });
    expect(made.status).toBe(201);
    const tenant = (await made.json()) as { id: string };

    await admin.send("/admin/users");
    const invited = await admin.form("/admin/users/invite", { email: "ops@acme.test", role: "operator", tenant_id: tenant.id });
    expect(invited.text).toContain("Invitation sent to ops@acme.test.");
    const mail = await eventually(() => smtp.mails[0], 10_000, "invitation mail");
    const link = new RegExp(`${base}/invite/[A-Za-z0-9_-]+`).exec(mail.raw.replace(/=\r?\n/g, ""))![0];

    const invitee = client(base);
    await invitee.send(new URL(link).pathname);
    expect(await invitee.form(new URL(link).pathname, { password: "operator password", confirm: "operator password" })).toMatchObject({ status: 303 });
    const me = await invitee.send("/api/v1/me");
    expect(JSON.parse(me.text)).toMatchObject({ email: "ops@acme.test", role: "operator", tenant_id: tenant.id });
  } finally {
    child.kill("SIGTERM");
    await child.exited;
  }
}, 120_000);
