/**
 * `konstruct export` / `import` run for real as subprocesses against external Postgres: exit codes
 * (0 ok, 1 run-time failure, 2 bad usage or a bad file), one-line errors, the variables the import
 * needs on stderr, and refusals (malformed, oversized, a variable missing, a schema error) that
 * write nothing. The `KX_` variables are in the child's environment while the config loads, which
 * also shows they do not collide with its KONSTRUCT_* keys.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import pino from "pino";
import { tenants } from "../db/schema/index.ts";
import { applyProvisioning } from "../provisioning/apply.ts";
import { SecretBox } from "../secrets/box.ts";
import { openDatabase } from "../db/database.ts";
import { migrationStatus } from "../db/migrate.ts";
import { createExternalDatabase, openTestDatabase, tempDir, type TestDatabase } from "../../test/support/db.ts";
import { ACME_ENV, PROVIDERS, richConfig, SECRETS } from "../../test/support/portability.ts";
import { MAX_IMPORT_BYTES } from "./import.ts";

const MAIN = resolve(import.meta.dir, "../cli/main.ts");
const work = tempDir("konstruct-portability-");
let from: TestDatabase, to: TestDatabase;
let fromConfig: string, toConfig: string;

beforeAll(async () => {
  [from, to] = await Promise.all([openTestDatabase("external"), openTestDatabase("external")]);
  const quiet = pino({ level: "silent" });
  await applyProvisioning(richConfig(), from.db, await SecretBox.open("", from.dataDir), quiet);
  await applyProvisioning({ tenants: [], llm: { providers: richConfig().llm.providers, prices: {} } }, to.db, await SecretBox.open("", to.dataDir), quiet);
  fromConfig = join(work.path, "from.yaml");
  toConfig = join(work.path, "to.yaml");
  writeFileSync(fromConfig, JSON.stringify({ data_dir: from.dataDir, database: { url: from.url } }));
  writeFileSync(toConfig, JSON.stringify({ data_dir: to.dataDir, database: { url: to.url }, llm: { providers: PROVIDERS } }));
}, 180_000);
afterAll(async () => {
  await Promise.all([from?.cleanup(), to?.cleanup()]);
  work.remove();
});

async function cli(args: string[], env: Record<string, string> = {}) {
  const child = Bun.spawn(["bun", MAIN, ...args], { cwd: work.path, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: work.path, ...env }, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, out, err };
}
const acmeIn = (t: TestDatabase) => t.db.platform(async (tx) => (await tx.select().from(tenants)).some((r) => r.slug === "acme"));

test("export: usage and unknown tenant are one-line errors with their exit codes", async () => {
  const usage = await cli(["export", "-c", fromConfig]);
  expect([usage.code, usage.err.trim()]).toEqual([2, "konstruct: export needs --tenant SLUG (see konstruct export --help)"]);
  const missing = await cli(["export", "-c", fromConfig, "--tenant", "nope"]);
  expect([missing.code, missing.err.trim()]).toEqual([1, "konstruct: no tenant with slug 'nope'"]);
}, 60_000);

test("export → refused imports write nothing → dry run → import → the same file", async () => {
  const file = join(work.path, "acme.yaml");
  const exported = await cli(["export", "-c", fromConfig, "--tenant", "acme", "--out", file]);
  expect(exported.code).toBe(0);
  expect(exported.err).toContain(`the import will need these environment variables: ${Object.keys(ACME_ENV).slice(0, 4).join(" ")}`);
  for (const value of Object.values(SECRETS)) expect(exported.err + readFileSync(file, "utf8")).not.toContain(value);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect((await cli(["export", "-c", fromConfig, "--tenant", "acme", "--out", file])).code).toBe(2);

  const missingVar = await cli(["import", "-c", toConfig, file], { ...ACME_ENV, KX_ACME_SECRET_CRM_TOKEN: "" });
  expect([missingVar.code, missingVar.err.trim()]).toEqual([2, `konstruct: ${file}: environment variables not set: KX_ACME_SECRET_CRM_TOKEN`]);
  const malformed = join(work.path, "bad.yaml");
  writeFileSync(malformed, "tenants:\n  - slug: acme\n  slug: twice: x\n");
  const bad = await cli(["import", "-c", toConfig, malformed]);
  expect(bad.code).toBe(2);
  expect(bad.err).toStartWith(`konstruct: ${malformed}: invalid YAML:`);
  const huge = join(work.path, "huge.yaml");
  writeFileSync(huge, `tenants: []\n#${"x".repeat(MAX_IMPORT_BYTES)}\n`);
  expect(await cli(["import", "-c", toConfig, huge])).toMatchObject({ code: 2, err: `konstruct: ${huge}: larger than the 5 MB an import may be\n` });
  const wrong = join(work.path, "wrong.yaml");
  writeFileSync(wrong, readFileSync(file, "utf8").replace("slug: bob", "slug: Bob B"));
  const invalid = await cli(["import", "-c", toConfig, wrong], ACME_ENV);
  expect(invalid.code).toBe(2);
  expect(invalid.err).toStartWith(`konstruct: ${wrong}: tenants[0].agents[1].slug: must be 1-63 chars`);
  expect(await acmeIn(to)).toBe(false);

  const dry = await cli(["import", "-c", toConfig, file, "--dry-run"], ACME_ENV);
  expect(dry.code).toBe(0);
  expect(dry.out).toContain("tenant acme: create\n  agents: create ada, bob\n  channels: create acme-slack, acme-telegram, acme-wa\n");
  expect(dry.out).toContain("dry run: nothing was written");
  expect(await acmeIn(to)).toBe(false);

  const applied = await cli(["import", "-c", toConfig, file], ACME_ENV);
  expect([applied.code, applied.err]).toEqual([0, ""]);
  expect(applied.out).toMatch(/tenant acme: trigger new-lead listens at \/hooks\/trigger\/\S+\nimported acme: 2 agents, 3 channels, 1 teams changed\n/);
  const again = await cli(["export", "-c", toConfig, "--tenant", "acme"]);
  expect(again.code).toBe(0);
  expect(again.out).toBe(readFileSync(file, "utf8"));
}, 120_000);

test("a dry run against a database with pending migrations refuses and migrates nothing", async () => {
  const bare = await createExternalDatabase(undefined, { migrated: false });
  try {
    const config = join(work.path, "bare.yaml");
    writeFileSync(config, JSON.stringify({ data_dir: join(work.path, "bare"), database: { url: bare.url } }));
    const file = join(work.path, "empty-tenant.yaml");
    writeFileSync(file, "tenants:\n  - slug: fresh\n    name: Fresh\n");
    const r = await cli(["import", "-c", config, file, "--dry-run"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^konstruct: the database has \d+ pending migration\(s\): run 'konstruct migrate'/);
    const probe = await openDatabase({ url: bare.url, dataDir: work.path, poolSize: 1, connectAttempts: 1 });
    try {
      expect((await migrationStatus(probe.driver.raw)).applied).toBe(0);
    } finally {
      await probe.close();
    }
  } finally {
    await bare.drop();
  }
}, 60_000);
