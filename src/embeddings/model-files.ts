/**
 * Where the configured embedding model lives on disk and whether it is complete: what `doctor`
 * reports and `models pull` fills. Layout (Hugging Face, as transformers.js reads it):
 * `<models_dir>/<model id>/{config.json, tokenizer.json, onnx/model.onnx}`.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Config } from "../config/schema.ts";
import { Embedder } from "./embedder.ts";

export const REQUIRED_FILES = ["config.json", "tokenizer.json", "onnx/model.onnx"] as const;

export function modelsDir(config: Config): string {
  return resolve(config.embeddings.models_dir || join(config.data_dir, "models"));
}

export function missingModelFiles(dir: string, model: string): string[] {
  return REQUIRED_FILES.filter((f) => !existsSync(join(dir, model, f)));
}

/** The embedder the config describes (a worker; nothing loads until first use). */
export function embedderFor(config: Config, opts: { allowRemote?: boolean; model?: string; dims?: number } = {}): Embedder {
  const e = config.embeddings;
  return new Embedder({
    modelsDir: modelsDir(config),
    model: opts.model ?? e.model,
    dims: opts.dims ?? e.dims,
    allowRemote: opts.allowRemote ?? e.allow_remote,
    batchSize: e.batch_size,
    nativeCacheDir: join(resolve(config.data_dir), ".konstruct-cache"),
  });
}
