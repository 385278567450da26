/** The running components a console page needs; 503 while the app is still starting. */
import { KonstructError } from "../errors.ts";
import type { LlmPool } from "../llm/pool.ts";
import type { SecretBox } from "../secrets/box.ts";

const starting = () => new KonstructError("db_unavailable", "starting up: try again in a moment");

export function secretBox(deps: { secrets: () => SecretBox | null }): SecretBox {
  const box = deps.secrets();
  if (!box) throw starting();
  return box;
}

export function llmPool(deps: { pool: () => LlmPool | null }): LlmPool {
  const pool = deps.pool();
  if (!pool) throw starting();
  return pool;
}
