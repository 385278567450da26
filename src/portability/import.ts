/**
 * `konstruct import`: a file in the shape `konstruct export` writes (`tenants: [ … ]`, nothing
 * else) is read bounded, every `${VAR}` is checked and filled as the config loader does, each
 * tenant is validated by the config schema (against the providers the database knows), and only
 * then applied — by the provisioning config-as-code runs at start, with no providers: other
 * tenants and the providers are not touched.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { parse, YAMLParseError } from "yaml";
import { interpolate, missingVariables } from "../config/interpolate.ts";
import { validate } from "../config/load.ts";
import { type Config, slug } from "../config/schema.ts";
import type { Database } from "../db/database.ts";
import { llmProviders, tenantLlmProviders, tenants } from "../db/schema/index.ts";
import { KonstructError } from "../errors.ts";

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
export type TenantConfig = Config["tenants"][number];

/** At most MAX_IMPORT_BYTES are read: a larger file is refused without being read whole. */
export function readImportFile(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (e) {
    throw new KonstructError("not_found", `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const buf = Buffer.alloc(MAX_IMPORT_BYTES + 1);
    let n = 0;
    for (let r; n < buf.length && (r = readSync(fd, buf, n, buf.length - n, null)) > 0; ) n += r;
    if (n > MAX_IMPORT_BYTES) throw new KonstructError("config_invalid", `${file}: larger than the ${MAX_IMPORT_BYTES / 1024 / 1024} MB an import may be`);
    return buf.subarray(0, n).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** The providers a model chain may name: the platform's, and the BYO ones of the file's tenants that exist already. */
export async function knownProviders(db: Database, slugs: string[]): Promise<string[]> {
  const { ids, existing } = await db.platform(async (tx) => ({
    ids: (await tx.select({ id: llmProviders.id }).from(llmProviders)).map((p) => p.id),
    existing: (await tx.select({ id: tenants.id, slug: tenants.slug }).from(tenants)).filter((t) => slugs.includes(t.slug)),
  }));
  for (const t of existing) ids.push(...(await db.withTenant(t.id, (tx) => tx.select({ id: tenantLlmProviders.id }).from(tenantLlmProviders))).map((p) => p.id));
  // The schema's provider ids are slugs; anything else could not be named by a chain entry anyway.
  return [...new Set(ids)].filter((id) => slug.safeParse(id).success);
}

/** The slugs a file declares (read before validation, to look up their providers). */
export function declaredSlugs(doc: Record<string, unknown>): string[] {
  return (Array.isArray(doc.tenants) ? doc.tenants : []).map((t) => (t && typeof t === "object" ? String((t as { slug?: unknown }).slug) : ""));
}

export function parseImportDocument(text: string, where: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parse(text, { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    throw new KonstructError("config_invalid", `${where}: invalid YAML: ${e instanceof YAMLParseError ? e.message.split("\n")[0] : (e as Error).message}`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new KonstructError("config_invalid", `${where}: the top level must be a mapping with 'tenants:'`);
  const extra = Object.keys(doc).filter((k) => k !== "tenants");
  if (extra.length) throw new KonstructError("config_invalid", `${where}: ${extra.join(", ")}: unknown key (an import holds only 'tenants:')`);
  const list = (doc as { tenants?: unknown }).tenants;
  if (!Array.isArray(list) || !list.length) throw new KonstructError("config_invalid", `${where}: tenants: must be a list of at least one tenant`);
  return doc as Record<string, unknown>;
}

/** Every unset variable named in one error (checked before the database is opened). */
export function checkVariables(doc: Record<string, unknown>, where: string, env: Record<string, string | undefined>): void {
  const missing = missingVariables(doc, env);
  if (missing.length) throw new KonstructError("config_invalid", `${where}: environment variables not set: ${missing.join(", ")}`);
}

/** Variables filled, every tenant validated; nothing is written. */
export function validateImport(doc: Record<string, unknown>, where: string, env: Record<string, string | undefined>, providers: string[]): TenantConfig[] {
  checkVariables(doc, where, env);
  const filled = interpolate(doc, env) as { tenants: unknown[] };
  // Placeholder providers: only their ids matter (a chain entry must name a known one).
  const llm = { providers: providers.map((id) => ({ id, kind: "openai", base_url: "http://provider.invalid/" })) };
  try {
    return validate({ llm, tenants: filled.tenants }).tenants;
  } catch (e) {
    if (e instanceof KonstructError) throw new KonstructError("config_invalid", `${where}: ${e.message.replace(/^config: /, "")}`);
    throw e;
  }
}
