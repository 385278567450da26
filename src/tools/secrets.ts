/**
 * Secrets by name in tool calls: the model writes `{{secret:NAME}}` where a credential goes (an
 * Authorization header, a query parameter); the value is put in only for execution and taken out of
 * whatever the tool returns, so the model never sees it. Values come from tenant_secrets (sealed).
 */
import { inArray } from "drizzle-orm";
import type { Database } from "../db/database.ts";
import { tenantSecrets } from "../db/schema/index.ts";
import type { SecretBox } from "../secrets/box.ts";

const REF = /\{\{secret:([A-Z][A-Z0-9_]*)\}\}/g;

/** Names referenced anywhere in the arguments. */
export function secretRefs(value: unknown): string[] {
  const found = new Set<string>();
  walk(value, (s) => {
    for (const m of s.matchAll(REF)) found.add(m[1]!);
    return s;
  });
  return [...found];
}

export function inject<T>(value: T, secrets: Record<string, string>): T {
  return walk(value, (s) => s.replace(REF, (_, name: string) => secrets[name] ?? "")) as T;
}

/** Takes every secret value out of a tool's output. */
export function scrub(output: string, secrets: Record<string, string>): string {
  let out = output;
  for (const [name, value] of Object.entries(secrets)) if (value.length >= 4) out = out.split(value).join(`[secret:${name}]`);
  return out;
}

export async function loadSecrets(db: Database, box: SecretBox, tenantId: string, names: string[]): Promise<Record<string, string>> {
  if (!names.length) return {};
  const rows = await db.withTenant(tenantId, (tx) => tx.select().from(tenantSecrets).where(inArray(tenantSecrets.name, names)));
  return Object.fromEntries(rows.map((r) => [r.name, box.unseal(r.value)]));
}

function walk(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === "string") return fn(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, fn));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, fn)]));
  return value;
}
