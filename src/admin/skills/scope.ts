/**
 * What every Skills handler starts with: a tenant admin's scope, the tenant's slug (its skills live
 * in data_dir/tenants/<slug>/skills), and the skill catalogue — the running gateway's, so a save
 * is live for the next message; when the gateway is not running (a console-only process) a fresh
 * one read from disk.
 */
import { resolve } from "node:path";
import pino from "pino";
import { KonstructError } from "../../errors.ts";
import { SkillCatalog } from "../../skills/catalog.ts";
import { requireAdmin } from "../auth/principal.ts";
import type { AdminContext, ConsoleDeps } from "../lazy.ts";
import { pageScope } from "../scope.ts";
import { getTenant } from "../tenants/save.ts";

const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export async function skillScope(deps: ConsoleDeps, ctx: AdminContext) {
  const s = await pageScope(deps, ctx, "skills");
  if (s.tenantId) requireAdmin(s.p, s.tenantId);
  const slug = s.tenantId ? (await getTenant(s.db, s.tenantId)).slug : "";
  const dataDir = resolve(deps.config.data_dir);
  let catalog = deps.skills();
  if (!catalog) {
    catalog = new SkillCatalog({ dataDir, log: pino({ level: "silent" }) });
    await catalog.load();
  }
  return { ...s, slug, dataDir, catalog };
}

export function skillParam(name: string | undefined): string {
  if (!name || name.length > 64 || !NAME.test(name)) throw new KonstructError("not_found", "no such skill");
  return name;
}

export const author = (ctx: AdminContext) => ctx.principal?.email ?? "console";
