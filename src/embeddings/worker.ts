/**
 * The embedding worker: owns the transformers.js pipeline so tokenising and inference never run on
 * the event loop that serves chat traffic. One request at a time (the caller schedules batches).
 *
 *   in:  { kind: "init", modelsDir, builtin?, model, allowRemote, nativeCacheDir? } | { kind: "embed", id, texts }
 *   out: { kind: "ready", dims } | { kind: "vectors", id, dims, data (Float32Array, transferred) } | { kind: "error", id?, message }
 */
import { loadPipeline } from "./pipeline.ts";

declare const self: Worker;

type Incoming = { kind: "init"; modelsDir: string; builtin?: boolean; model: string; allowRemote: boolean; nativeCacheDir?: string } | { kind: "embed"; id: number; texts: string[] };
let embed: ((texts: string[]) => Promise<{ data: Float32Array; dims: number }>) | null = null;

self.onmessage = async (ev: MessageEvent<Incoming>) => {
  const msg = ev.data;
  if (msg.kind === "init") {
    try {
      embed = await loadPipeline(msg);
      const probe = await embed(["ready"]);
      postMessage({ kind: "ready", dims: probe.dims });
    } catch (e) {
      postMessage({ kind: "error", message: (e as Error).message });
    }
    return;
  }
  if (!embed) return postMessage({ kind: "error", id: msg.id, message: "embedding model not loaded" });
  try {
    const out = await embed(msg.texts);
    postMessage({ kind: "vectors", id: msg.id, dims: out.dims, data: out.data }, [out.data.buffer as ArrayBuffer]);
  } catch (e) {
    postMessage({ kind: "error", id: msg.id, message: (e as Error).message });
  }
};
