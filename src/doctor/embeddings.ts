/** doctor: is the embedding model there and does it load? And which vector store the database uses. */
import type { Config } from "../config/schema.ts";
import type { RawSql } from "../db/driver.ts";
import { embedderFor, modelFolder } from "../embeddings/model-folder.ts";
import type { Check } from "./checks.ts";

export async function embeddingsCheck(config: Config): Promise<Check> {
  const { model } = config.embeddings;
  const { dir, builtin, missing } = modelFolder(config);
  const name = "embeddings";
  const from = builtin ? "(built in)" : `from ${dir}`;
  if (missing.length)
    return {
      name,
      status: "warn",
      detail: `model ${model} not found in ${dir} (missing ${missing.join(", ")}): knowledge base and long-term memory cannot embed. Run 'konstruct models pull ${model}' on a host with internet access, or copy the model folder to ${dir}/${model}/ (or set embeddings.models_dir)`,
    };
  const embedder = embedderFor(config, { dims: 0 });
  try {
    const t0 = performance.now();
    const dims = await embedder.dims();
    if (config.embeddings.dims && dims !== config.embeddings.dims)
      return { name, status: "fail", detail: `model ${model} produces ${dims}-dim vectors but embeddings.dims is ${config.embeddings.dims}: fix the config or the model` };
    return { name, status: "ok", detail: `${model} ${from}: ${dims} dims, loaded in ${Math.round(performance.now() - t0)} ms` };
  } catch (e) {
    const why = (e as Error).message.split("\n")[0];
    return builtin
      ? { name, status: "fail", detail: `built-in model ${model} does not load: ${why}` }
      : { name, status: "fail", detail: `model ${model} in ${dir} is broken: ${why}. Replace the folder (or 'konstruct models pull ${model}')` };
  } finally {
    await embedder.close();
  }
}

export async function vectorStoreCheck(raw: RawSql, model: string): Promise<Check> {
  const [col] = await raw.query<{ type: string | null }>(
    "select format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = to_regclass('kb_chunks') and attname = 'embedding'",
  );
  if (!col?.type) return { name: "vector store", status: "warn", detail: "knowledge tables not migrated yet" };
  const [n] = await raw.query<{ stale: number; total: number }>(
    "select count(*) filter (where model is distinct from $1)::int as stale, count(*)::int as total from kb_chunks",
    [model],
  );
  const pending = n?.stale ? `; ${n.stale} of ${n.total} chunks awaiting (re-)embedding with ${model}` : `; ${n?.total ?? 0} chunks`;
  return col.type === "vector"
    ? { name: "vector store", status: "ok", detail: `pgvector with HNSW index${pending}` }
    : { name: "vector store", status: "warn", detail: `exact scan over float32 vectors (no pgvector when the schema was created): same results, slower on large knowledge bases${pending}` };
}
