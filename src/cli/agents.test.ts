/**
 * `konstruct agents templates | new`, run for real as a subprocess on both databases: the templates
 * are listed (a malformed data-dir template is named, exit 1); `new` hires into the tenant with the
 * template's persona, skills, escalation rules and heartbeat, copying the tenant's model chain or
 * taking --models; an unknown template or tenant is a one-line error.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { eq } from "drizzle-orm";
import { createExternalDatabase, DB_KINDS, embeddedDataDir, tempDir } from "../../test/support/db.ts";
import { migrate } from "../db/migrate.ts";
import { openDatabase } from "../db/database.ts";
import { agents, tenants } from "../db/schema/index.ts";
import { bundledTemplates } from "../templates/catalog.ts";

const MAIN = resolve(import.meta.dir, "main.ts");

describe.each(DB_KINDS)("konstruct agents on %s Postgres", (kind) => {
  const t = { url: "", dataDir: "", cleanup: async () => {} };
  let acme = "";
  async function run(args: string[]) {
    const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: t.dataDir, KONSTRUCT_DATA_DIR: t.dataDir };
    if (t.url) env.KONSTRUCT_DATABASE__URL = t.url;
    const child = Bun.spawn(["bun", MAIN, "agents", ...args], { cwd: t.dataDir, env, stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    return { code, stdout, stderr };
  }
  const hired = async () => {
    const db = await openDatabase({ url: t.url, dataDir: t.dataDir, poolSize: 1, connectAttempts: 1 });
    try {
      return await db.withTenant(acme, (tx) => tx.select().from(agents).orderBy(agents.createdAt));
    } finally {
      await db.close();
    }
  };

  beforeAll(async () => {
    const dir = kind === "embedded" ? await embeddedDataDir() : tempDir();
    const ext = kind === "external" ? await createExternalDatabase() : null;
    Object.assign(t, { url: ext?.url ?? "", dataDir: dir.path, cleanup: async () => (await ext?.drop(), dir.remove()) });
    const db = await openDatabase({ url: t.url, dataDir: t.dataDir, poolSize: 1, connectAttempts: 1 });
    await migrate(db.driver.raw);
    const [row] = await db.platform((tx) => tx.insert(tenants).values({ slug: "acme", name: "Acme" }).returning({ id: tenants.id }));
    acme = row!.id;
    await db.withTenant(acme, (tx) => tx.insert(agents).values({ tenantId: acme, slug: "ada", name: "Ada", models: ["mock/first", "mock/second"] }));
    // The CLI opens the data dir itself (PGlite has one owner at a time).
    await db.close();
    mkdirSync(join(t.dataDir, "templates"), { recursive: true });
    writeFileSync(join(t.dataDir, "templates", "bad.md"), "---\nid: bad\n---\n");
  });
  afterAll(async () => {
    await t.cleanup();
  });

  test("templates lists the bundled roles and names the malformed file", async () => {
    const r = await run(["templates"]);
    expect(r.code).toBe(1);
    for (const tpl of bundledTemplates()) expect(r.stdout).toMatch(new RegExp(`^${tpl.id}\\s+bundled\\s+${tpl.title}`, "m"));
    expect(r.stderr).toContain(`template not loaded: ${join(t.dataDir, "templates", "bad.md")}: title: is required`);
  });

  test("new hires from a template with the tenant's model chain, or --models and --name", async () => {
    const r = await run(["new", "--template", "customer-support", "--tenant", "acme"]);
    expect(r.stderr.replace(/^template not loaded:.*\n/gm, "")).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^hired Sam \(sam\) as Customer support in acme: id [0-9a-f-]{36}\n$/);
    const support = bundledTemplates().find((x) => x.id === "customer-support")!;
    const exec = bundledTemplates().find((x) => x.id === "executive-assistant")!;
    const r2 = await run(["new", "--template", "executive-assistant", "--tenant", "acme", "--name", "Morgan Lee", "--models", "mock/strong, mock/first"]);
    expect(r2.code).toBe(0);
    const rows = await hired();
    expect(rows.find((a) => a.slug === "sam")).toMatchObject({ name: "Sam", persona: support.persona, models: ["mock/first", "mock/second"], enabledSkills: support.skills, source: "ui", escalationRules: support.escalation!.guidance });
    expect(rows.find((a) => a.slug === "sam")!.escalation!.rules).toEqual(support.escalation!.rules);
    const morgan = rows.find((a) => a.slug === "morgan-lee")!;
    expect(morgan).toMatchObject({ name: "Morgan Lee", persona: exec.persona, models: ["mock/strong", "mock/first"] });
    expect(morgan.heartbeat).toMatchObject({ everyMinutes: 60, checklist: exec.heartbeat!.checklist.trim() });
  });

  test("a taken slug, an unknown template or tenant: one line, nothing saved", async () => {
    const before = (await hired()).length;
    const taken = await run(["new", "--template", "customer-support", "--tenant", "acme"]);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain("konstruct: slug: another AI employee of this tenant has this slug");
    const unknown = await run(["new", "--template", "nope", "--tenant", "acme"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("konstruct: no template 'nope'");
    const noTenant = await run(["new", "--template", "hr-policy", "--tenant", "umbrella"]);
    expect(noTenant.stderr).toContain("konstruct: no tenant with slug 'umbrella'");
    const usage = await run(["new", "--template", "hr-policy"]);
    expect(usage.code).toBe(2);
    expect((await hired()).length).toBe(before);
  });
});
