/**
 * The model chain a new AI employee's form starts with, so a newcomer with one provider never types a
 * model name: the tenant's first AI employee's chain when there is one (it is known to work), else the
 * first model the tenant's own providers, then the platform's, list (the Providers page's Test, through
 * the pool and so through the SSRF guard), each asked for at most LIST_TIMEOUT_MS. Empty when none
 * answers: the form then says to add a provider.
 */
import type { Database } from "../../db/database.ts";
import type { LlmPool } from "../../llm/pool.ts";
import { listAgents } from "./save.ts";

const LIST_TIMEOUT_MS = 3000;

export async function suggestedChain(db: Database, pool: LlmPool | null, tenantId: string): Promise<string[]> {
  const [first] = await listAgents(db, tenantId);
  if (first?.models.length) return first.models;
  const keys = pool?.providers() ?? [];
  const own = `${tenantId}:`;
  for (const key of [...keys.filter((k) => k.startsWith(own)), ...keys.filter((k) => !k.includes(":"))]) {
    let timer: Timer | undefined;
    const late = new Promise<null>((done) => (timer = setTimeout(() => done(null), LIST_TIMEOUT_MS)));
    const listed = await Promise.race([pool!.test(key), late]).finally(() => clearTimeout(timer));
    const model = listed?.ok ? listed.models?.[0] : undefined;
    if (model) return [`${key.startsWith(own) ? key.slice(own.length) : key}/${model}`];
  }
  return [];
}
