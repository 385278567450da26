/**
 * Loads a sentence-embedding model with transformers.js from a local models directory
 * (`<models_dir>/<model id>/`, the Hugging Face layout: config.json, tokenizer.json, onnx/model*.onnx).
 * Remote downloads stay off unless `allowRemote` (only `konstruct models pull` sets it).
 * Runs wherever it is imported: inside the embedding worker in the appliance, in-process in `models pull`.
 */
import { extractBuiltinModel } from "./builtin-model.ts";
import { loadOnnxRuntime } from "./onnx-native.ts";

export interface PipelineOptions {
  modelsDir: string;
  /** The model ships with the appliance: make sure its files are in modelsDir (the binary copies them out). */
  builtin?: boolean;
  model: string;
  allowRemote: boolean;
  /** Where the compiled binary writes its native onnxruntime files (data_dir/.konstruct-cache). */
  nativeCacheDir?: string;
}

export async function loadPipeline(opts: PipelineOptions): Promise<(texts: string[]) => Promise<{ data: Float32Array; dims: number }>> {
  await loadOnnxRuntime(opts.nativeCacheDir);
  if (opts.builtin) await extractBuiltinModel(opts.modelsDir);
  const { env, pipeline } = await import("@huggingface/transformers");
  env.allowRemoteModels = opts.allowRemote;
  env.allowLocalModels = true;
  env.localModelPath = opts.modelsDir.endsWith("/") ? opts.modelsDir : `${opts.modelsDir}/`;
  // A pulled model is written where the appliance later reads it from.
  env.cacheDir = opts.modelsDir;
  env.useFSCache = opts.allowRemote;
  // The weights file follows the folder's config.json (transformers.js_config.dtype; fp32 when unset):
  // the built-in model ships only its q8 file.
  const extractor = await pipeline("feature-extraction", opts.model, { session_options: sessionOptions() } as never);
  return async (texts) => {
    const out = await extractor(texts, { pooling: "mean", normalize: true });
    const dims = out.dims.at(-1) as number;
    // A copy we own, so it can be transferred to the main thread.
    return { data: new Float32Array(out.data as Float32Array), dims };
  };
}

/**
 * onnxruntime's defaults take every core and spin between ops: on a small box the embedding worker
 * then competes with the server's thread (chat, the embedded database) for the whole core count.
 * Half the cores, and threads that sleep when idle, leave the server a core of its own. Without the
 * arena, memory is returned after each call instead of held at the largest batch's peak (measured:
 * 256 chunk texts in batches of 8, RSS +57 MB instead of +90 MB, at the same speed).
 */
export function sessionOptions() {
  const threads = Math.max(1, Math.floor(navigator.hardwareConcurrency / 2));
  return { intraOpNumThreads: threads, interOpNumThreads: 1, enableCpuMemArena: false, extra: { session: { intra_op: { allow_spinning: "0" }, inter_op: { allow_spinning: "0" } } } };
}
