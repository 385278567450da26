/**
 * `konstruct doctor`: each check reports ok / warn / fail with a sentence a human can act on.
 * A `fail` is something serve needs (exit ≠ 0); a `warn` works but deserves attention.
 */
import Redis from "ioredis";
import { join, resolve } from "node:path";
import type { Config, ProviderConfig } from "../config/schema.ts";
import { lockHolder } from "../db/data-lock.ts";
import { type Database, openDatabase } from "../db/database.ts";
import { migrationStatus } from "../db/migrate.ts";
import { TENANT_TABLES } from "../db/schema/index.ts";
import { redactUrl } from "../log/redact.ts";
import type { SecretBox } from "../secrets/box.ts";
import { backupsCheck } from "./backups.ts";
import { embeddingsCheck, vectorStoreCheck } from "./embeddings.ts";
import { masterKey, sealedSecretsCheck } from "./secrets.ts";

export type CheckStatus = "ok" | "warn" | "fail";
export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
}

export async function runChecks(config: Config, source: string | null): Promise<Check[]> {
  const checks: Check[] = [{ name: "config", status: "ok", detail: source ?? "no file; built-in defaults" }];
  const key = await masterKey(config);
  checks.push(...(await databaseChecks(config, key.box)));
  checks.push(key.check);
  const backups = backupsCheck(config);
  if (backups) checks.push(backups);
  checks.push(await redisCheck(config.redis.url));
  for (const p of config.llm.providers) checks.push(await providerCheck(p));
  checks.push(await embeddingsCheck(config));
  const scope = whatsappScopeCheck(config);
  if (scope) checks.push(scope);
  return checks;
}

/** WhatsApp agents declared in the file without a business-function scope (src/scope/); null = none on WhatsApp. */
export function whatsappScopeCheck(config: Pick<Config, "tenants">): Check | null {
  const onWhatsApp = config.tenants.flatMap((t) => t.agents.filter((a) => a.channels.some((c) => c.kind === "whatsapp")).map((a) => ({ name: `${t.slug}/${a.slug}`, scoped: Boolean(a.scope) })));
  if (!onWhatsApp.length) return null;
  const unscoped = onWhatsApp.filter((a) => !a.scoped).map((a) => a.name);
  return unscoped.length
    ? { name: "whatsapp scope", status: "warn", detail: `${unscoped.join(", ")}: no business scope; Meta bans general-purpose assistants on WhatsApp — declare tenants[].agents[].scope (docs/whatsapp.md)` }
    : { name: "whatsapp scope", status: "ok", detail: `every WhatsApp agent declares its business scope (${onWhatsApp.length})` };
}

async function databaseChecks(config: Config, box: SecretBox | null): Promise<Check[]> {
  const embedded = !config.database.url;
  const where = embedded ? `embedded PGlite in ${resolve(config.data_dir, "pg")}` : `external ${redactUrl(config.database.url)}`;
  if (embedded) {
    const pid = lockHolder(join(resolve(config.data_dir), "pg.lock"));
    if (pid)
      return [{ name: "database", status: "ok", detail: `${where}; in use by running konstruct (pid ${pid}) — query its /readyz for live state` }];
  }
  let db: Database;
  try {
    db = await openDatabase({ url: config.database.url, dataDir: config.data_dir, poolSize: 1, connectAttempts: 1 });
  } catch (e) {
    return [{ name: "database", status: "fail", detail: `${where}: ${(e as Error).message}` }];
  }
  try {
    const raw = db.driver.raw;
    const [v] = await raw.query<{ server_version: string }>("show server_version");
    const out: Check[] = [{ name: "database", status: "ok", detail: `${where}, PostgreSQL ${v?.server_version}` }];
    const [vec] = await raw.query<{ installed: string | null; available: string | null }>(
      `select (select extversion from pg_extension where extname = 'vector') as installed,
              (select default_version from pg_available_extensions where name = 'vector') as available`,
    );
    out.push(
      vec?.available
        ? { name: "pgvector", status: "ok", detail: `available (${vec.available}${vec.installed ? ", installed" : ""}): HNSW vector index` }
        : {
            name: "pgvector",
            status: "warn",
            detail: "not available on this server: vector search falls back to an exact scan (same results, slower on large knowledge bases); install pgvector for HNSW",
          },
    );
    const s = await migrationStatus(raw);
    out.push(
      s.unknown.length || s.mismatched.length
        ? { name: "migrations", status: "fail", detail: `schema is newer than this binary (${[...s.unknown, ...s.mismatched].join(", ")})` }
        : s.pending.length
          ? { name: "migrations", status: "warn", detail: `${s.pending.length} pending (${s.pending.join(", ")}); serve or 'konstruct migrate' applies them` }
          : { name: "migrations", status: "ok", detail: `${s.applied} applied, current` },
    );
    if (!s.pending.length) out.push(await isolationCheck(db), await vectorStoreCheck(raw, config.embeddings.model), await sealedSecretsCheck(db, box));
    return out;
  } finally {
    await db.close();
  }
}

/** Proves the RLS setup in place: the app role is powerless outside a tenant, every tenant table forced. */
async function isolationCheck(db: Database): Promise<Check> {
  const roles = await db.driver.raw.query<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean }>(
    "select rolname, rolsuper, rolbypassrls from pg_roles where rolname in ('konstruct_app', 'konstruct_platform')",
  );
  const tables = await db.driver.raw.query<{ relname: string; forced: boolean }>(
    "select relname, relrowsecurity and relforcerowsecurity as forced from pg_class where relname = any($1::text[]) and relkind = 'r'",
    [[...TENANT_TABLES]],
  );
  const unforced = TENANT_TABLES.filter((t) => !tables.find((r) => r.relname === t && r.forced));
  const weak = roles.filter((r) => r.rolsuper || r.rolbypassrls).map((r) => r.rolname);
  if (roles.length !== 2 || unforced.length || weak.length)
    return { name: "tenant isolation", status: "fail", detail: `roles ${roles.length}/2, privileged: ${weak.join(",") || "none"}, unforced tables: ${unforced.join(",") || "none"}` };
  return { name: "tenant isolation", status: "ok", detail: `FORCE RLS on ${TENANT_TABLES.length} tenant tables; app roles unprivileged` };
}

async function redisCheck(url: string): Promise<Check> {
  if (!url) return { name: "redis", status: "ok", detail: "not configured: rate limits and locks are in-process (single node)" };
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000, retryStrategy: () => null });
  redis.on("error", () => {});
  try {
    await redis.connect();
    const pong = await redis.ping();
    return { name: "redis", status: "ok", detail: `${redactUrl(url)} answered ${pong}` };
  } catch (e) {
    return { name: "redis", status: "fail", detail: `${redactUrl(url)} unreachable: ${(e as Error).message}` };
  } finally {
    redis.disconnect();
  }
}

async function providerCheck(p: ProviderConfig): Promise<Check> {
  const base = p.base_url.replace(/\/+$/, "");
  const url = p.kind === "ollama" ? `${base}/api/tags` : `${base}/models`;
  const headers: Record<string, string> = p.api_key ? { authorization: `Bearer ${p.api_key}` } : {};
  const name = `llm ${p.id}`;
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(5000) });
    if (res.status === 401 || res.status === 403) return { name, status: "fail", detail: `${url} rejected the API key (${res.status})` };
    if (!res.ok) return { name, status: "fail", detail: `${url} answered ${res.status}` };
    return { name, status: "ok", detail: `${p.kind} at ${base} reachable` };
  } catch (e) {
    return { name, status: "fail", detail: `${url} unreachable: ${(e as Error).message}` };
  }
}
