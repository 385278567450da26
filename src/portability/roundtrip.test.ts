/**
 * Export → import → export on both database kinds, two tenants: the file carries no secret value
 * unless asked, imports into a fresh database with the placeholders set, and exports again to the
 * same bytes; the importing database's other tenant and its providers are untouched.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import { validate } from "../config/load.ts";
import { agents, channels, llmProviders, tenants } from "../db/schema/index.ts";
import { applyProvisioning } from "../provisioning/apply.ts";
import { SecretBox } from "../secrets/box.ts";
import { DB_KINDS, openTestDatabase, tempDir, type TestDatabase } from "../../test/support/db.ts";
import { ACME_ENV, PROVIDERS, richConfig, SECRETS } from "../../test/support/portability.ts";
import { exportTenant } from "./export.ts";
import { declaredSlugs, knownProviders, MAX_IMPORT_BYTES, parseImportDocument, readImportFile, validateImport } from "./import.ts";

const quiet = pino({ level: "silent" });

describe.each(DB_KINDS)("export and import on %s Postgres", (kind) => {
  let from: TestDatabase, to: TestDatabase;
  let fromBox: SecretBox, toBox: SecretBox;
  beforeAll(async () => {
    [from, to] = await Promise.all([openTestDatabase(kind), openTestDatabase(kind)]);
    [fromBox, toBox] = await Promise.all([SecretBox.open("", from.dataDir), SecretBox.open("", to.dataDir)]);
    await applyProvisioning(richConfig(), from.db, fromBox, quiet);
    // The target has its own providers and its own globex, which the import must not touch.
    const own = validate({ llm: { providers: [...PROVIDERS, { id: "cloud", kind: "openai", base_url: "https://api.example.com/v1", api_key: "sk-target" }] }, tenants: [richConfig().tenants[1]] });
    await applyProvisioning(own, to.db, toBox, quiet);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([from?.cleanup(), to?.cleanup()]);
  });

  const importInto = async (t: TestDatabase, box: SecretBox, yaml: string, env: Record<string, string>) => {
    const doc = parseImportDocument(yaml, "export.yaml");
    const declared = validateImport(doc, "export.yaml", env, await knownProviders(t.db, declaredSlugs(doc)));
    return applyProvisioning({ tenants: declared, llm: { providers: [], prices: {} } }, t.db, box, quiet);
  };
  const snapshot = (t: TestDatabase, slug: string) =>
    t.db.platform(async (tx) => (await tx.select().from(tenants)).find((r) => r.slug === slug)!).then((tenant) =>
      t.db.withTenant(tenant.id, async (tx) => ({ tenant, agents: await tx.select().from(agents), channels: await tx.select().from(channels) })),
    );

  test("without --with-secrets no secret value is in the file, only placeholders the import will need", async () => {
    const r = await exportTenant(from.db, fromBox, "acme");
    for (const value of Object.values(SECRETS)) expect(r.yaml).not.toContain(value);
    expect(r.variables.sort()).toEqual(Object.keys(ACME_ENV).sort());
    for (const name of r.variables) expect(r.yaml).toContain(`\${${name}}`);
    // Nothing of the other tenant.
    expect(r.yaml).not.toContain("globex");
    expect(r.notes).toEqual([]);
  });

  test("with --with-secrets the values are there and no variable is needed", async () => {
    const r = await exportTenant(from.db, fromBox, "acme", { withSecrets: true });
    for (const value of Object.values(SECRETS)) expect(r.yaml).toContain(value);
    expect(r.variables).toEqual([]);
  });

  test("imports into a fresh database and exports again to the same YAML; the other tenant and providers untouched", async () => {
    const first = await exportTenant(from.db, fromBox, "acme");
    const before = await snapshot(to, "globex");
    const providersBefore = await to.db.platform((tx) => tx.select().from(llmProviders));
    const summary = await importInto(to, toBox, first.yaml, ACME_ENV);
    expect(summary).toMatchObject({ providers: 0, tenants: 1, agents: 2, channels: 3 });
    const second = await exportTenant(to.db, toBox, "acme");
    expect(second.yaml).toBe(first.yaml);
    expect((await exportTenant(to.db, toBox, "acme", { withSecrets: true })).yaml).toBe((await exportTenant(from.db, fromBox, "acme", { withSecrets: true })).yaml);
    expect(await snapshot(to, "globex")).toEqual(before);
    expect(await to.db.platform((tx) => tx.select().from(llmProviders))).toEqual(providersBefore);
    // The literal `${HOME}` in the instructions survived both interpolations.
    const ada = (await snapshot(to, "acme")).agents.find((a) => a.slug === "ada")!;
    expect(ada.instructions).toStartWith("Quote ${HOME} literally");
  });

  test("a malformed, oversized or incomplete file is refused with where and why, before anything is written", async () => {
    const dir = tempDir("konstruct-import-");
    const count = () => to.db.platform(async (tx) => (await tx.select().from(tenants)).length);
    const before = await count();
    try {
      const huge = join(dir.path, "huge.yaml");
      writeFileSync(huge, "#".repeat(MAX_IMPORT_BYTES + 1));
      expect(() => readImportFile(huge)).toThrow(`${huge}: larger than the 5 MB an import may be`);
      expect(() => parseImportDocument("tenants: [", "f.yaml")).toThrow(/^f\.yaml: invalid YAML: /);
      expect(() => parseImportDocument("llm: {}\ntenants: [{}]", "f.yaml")).toThrow("f.yaml: llm: unknown key (an import holds only 'tenants:')");
      const { yaml } = await exportTenant(from.db, fromBox, "acme");
      const { KX_ACME_SECRET_CRM_TOKEN: _, KX_ACME_TRIGGER_NEW_LEAD_WEBHOOK_SECRET: __, ...partial } = ACME_ENV;
      expect(() => validateImport(parseImportDocument(yaml, "f.yaml"), "f.yaml", partial, ["local"])).toThrow(
        "f.yaml: environment variables not set: KX_ACME_SECRET_CRM_TOKEN, KX_ACME_TRIGGER_NEW_LEAD_WEBHOOK_SECRET",
      );
      expect(() => validateImport(parseImportDocument(yaml, "f.yaml"), "f.yaml", ACME_ENV, ["other"])).toThrow("f.yaml: tenants[0].agents[0].models[0]: unknown provider 'local'");
      expect(await count()).toBe(before);
    } finally {
      dir.remove();
    }
  });

  test("importing the same file again changes nothing", async () => {
    const first = await exportTenant(to.db, toBox, "acme", { withSecrets: true });
    await importInto(to, toBox, first.yaml, {});
    expect((await exportTenant(to.db, toBox, "acme", { withSecrets: true })).yaml).toBe(first.yaml);
  });
});

test("the export of a provisioned tenant is the tenant its config declared, key for key", async () => {
  const t = await openTestDatabase("external");
  try {
    const box = await SecretBox.open("", t.dataDir);
    const declared = richConfig();
    await applyProvisioning(declared, t.db, box, quiet);
    const r = await exportTenant(t.db, box, "acme", { withSecrets: true });
    const [again] = validateImport(parseImportDocument(r.yaml, "x.yaml"), "x.yaml", {}, ["local"]);
    expect(again).toEqual(declared.tenants[0]!);
  } finally {
    await t.cleanup();
  }
}, 60_000);
