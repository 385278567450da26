/**
 * doctor's master-key checks. The key is read and validated by the same function serve uses
 * (SecretBox.existing, which SecretBox.open goes through), and then proven on the data: a sample
 * of sealed columns — platform LLM keys, and per tenant its channels' credentials, its own LLM keys
 * and its tool secrets — must open with it. A wrong key otherwise surfaces only when a channel
 * starts or a model is called.
 */
import { resolve } from "node:path";
import type { Config } from "../config/schema.ts";
import type { Database } from "../db/database.ts";
import { channels, llmProviders, tenantLlmProviders, tenantSecrets, tenants } from "../db/schema/index.ts";
import { keyFile, SecretBox } from "../secrets/box.ts";
import type { Check } from "./checks.ts";

const SAMPLE = 5;

export async function masterKey(config: Config): Promise<{ check: Check; box: SecretBox | null }> {
  const file = keyFile(resolve(config.data_dir));
  let box: SecretBox | null;
  try {
    box = await SecretBox.existing(config.secrets.key, resolve(config.data_dir));
  } catch (e) {
    return { box: null, check: { name: "secrets", status: "fail", detail: `${(e as Error).message}; serve refuses to start with it` } };
  }
  if (config.secrets.key) return { box, check: { name: "secrets", status: "ok", detail: "master key from config (secrets.key)" } };
  if (config.database.url)
    return { box, check: { name: "secrets", status: "warn", detail: `master key in ${file}; replicas sharing the external database need the same key — set secrets.key` } };
  const detail = box ? `master key in ${file} (back it up with the data dir)` : `no master key yet; serve creates ${file} on first start`;
  return { box, check: { name: "secrets", status: "ok", detail } };
}

/** A sample of every sealed column, per tenant: each must open with the key in use. */
export async function sealedSecretsCheck(db: Database, box: SecretBox | null): Promise<Check> {
  const name = "sealed secrets";
  const samples: { where: string; value: Uint8Array }[] = [];
  const ids = await db.platform(async (tx) => {
    for (const r of await tx.select({ id: llmProviders.id, v: llmProviders.apiKey }).from(llmProviders).limit(SAMPLE))
      samples.push({ where: `platform LLM provider ${r.id}`, value: r.v });
    return tx.select({ id: tenants.id, slug: tenants.slug }).from(tenants);
  });
  for (const t of ids)
    await db.withTenant(t.id, async (tx) => {
      const add = (what: string, rows: { v: Uint8Array }[]) => samples.push(...rows.map((r) => ({ where: `tenant ${t.slug}: ${what}`, value: r.v })));
      add("channel credentials", await tx.select({ v: channels.secrets }).from(channels).limit(SAMPLE));
      add("LLM key", await tx.select({ v: tenantLlmProviders.apiKey }).from(tenantLlmProviders).limit(SAMPLE));
      add("tool secret", await tx.select({ v: tenantSecrets.value }).from(tenantSecrets).limit(SAMPLE));
    });
  if (!samples.length) return { name, status: "ok", detail: "nothing sealed yet" };
  if (!box) return { name, status: "fail", detail: `${samples.length} sealed value(s) but no master key: restore secret.key or set secrets.key` };
  const bad = samples.filter((s) => {
    try {
      box.unseal(s.value);
      return false;
    } catch {
      return true;
    }
  });
  if (bad.length)
    return {
      name,
      status: "fail",
      detail: `${bad.length} of ${samples.length} sampled secret(s) do not open with this master key (${bad.slice(0, 3).map((b) => b.where).join("; ")}): was secrets.key or secret.key changed?`,
    };
  return { name, status: "ok", detail: `${samples.length} sampled secret(s) across ${ids.length} tenant(s) open with this master key` };
}
