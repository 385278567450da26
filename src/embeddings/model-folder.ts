/**
 * Which folder the embedding model is read from. A folder `<models_dir>/<model>/` (embeddings.models_dir,
 * default `<data_dir>/models`) always wins: an admin's copy or a pulled model overrides the built-in one.
 * Otherwise a built-in model comes with the appliance: from source the repository's models/ folder; in
 * the compiled binary the files embedded in it, copied out at first use into
 * `<data_dir>/.konstruct-cache/models` (builtin-model-binary.ts — lazily, so idle memory never pays for
 * them). Any other model is looked for in models_dir only.
 *
 * Layout (Hugging Face, as transformers.js reads it): `<dir>/<model>/{config.json, tokenizer.json,
 * onnx/model<suffix>.onnx}`, the suffix following config.json's `transformers.js_config.dtype`
 * (q8 → `_quantized`; none → fp32, no suffix).
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Config } from "../config/schema.ts";
import { Embedder } from "./embedder.ts";

/** Models that ship with the appliance: nothing to download, nothing to copy. */
export const BUILTIN_MODELS: readonly string[] = ["konstruct/use-lite-en"];
const REPO_MODELS = resolve(import.meta.dir, "../../models");
const DTYPE_SUFFIX: Record<string, string> = { fp32: "", fp16: "_fp16", q8: "_quantized", int8: "_int8", uint8: "_uint8", q4: "_q4", q4f16: "_q4f16", bnb4: "_bnb4" };

export interface ModelFolder {
  /** The folder holding `<model>/` (transformers.js' localModelPath). */
  dir: string;
  builtin: boolean;
  /** Files a models_dir folder lacks (empty for a built-in model: its files ship with the appliance). */
  missing: string[];
}

export function modelsDir(config: Config): string {
  return resolve(config.embeddings.models_dir || join(config.data_dir, "models"));
}

export function cacheDir(config: Config): string {
  return join(resolve(config.data_dir), ".konstruct-cache");
}

export const isBuiltinModel = (model: string): boolean => BUILTIN_MODELS.includes(model);

export function modelFolder(config: Config, model = config.embeddings.model, binary = Bun.isStandaloneExecutable): ModelFolder {
  const configured = modelsDir(config);
  if (isBuiltinModel(model) && !existsSync(join(configured, model)))
    return { dir: binary ? join(cacheDir(config), "models") : REPO_MODELS, builtin: true, missing: [] };
  return { dir: configured, builtin: false, missing: missingModelFiles(configured, model) };
}

/** The files transformers.js will open, the weights chosen by the folder's own config.json. */
export function requiredFiles(dir: string, model: string): string[] {
  let dtype: unknown;
  try {
    dtype = JSON.parse(readFileSync(join(dir, model, "config.json"), "utf8"))?.["transformers.js_config"]?.dtype;
  } catch {}
  if (dtype && typeof dtype === "object") dtype = (dtype as Record<string, unknown>).model;
  const suffix = typeof dtype === "string" ? (DTYPE_SUFFIX[dtype] ?? "") : "";
  return ["config.json", "tokenizer.json", `onnx/model${suffix}.onnx`];
}

export function missingModelFiles(dir: string, model: string): string[] {
  return requiredFiles(dir, model).filter((f) => !existsSync(join(dir, model, f)));
}

/** The embedder the config describes (a worker; nothing loads, nothing is copied out, until first use). */
export function embedderFor(config: Config, opts: { allowRemote?: boolean; model?: string; dims?: number } = {}): Embedder {
  const e = config.embeddings;
  const model = opts.model ?? e.model;
  const folder = modelFolder(config, model);
  return new Embedder({
    modelsDir: folder.dir,
    builtin: folder.builtin,
    model,
    dims: opts.dims ?? e.dims,
    allowRemote: opts.allowRemote ?? e.allow_remote,
    batchSize: e.batch_size,
    nativeCacheDir: cacheDir(config),
  });
}
