/**
 * The embedding worker: owns the transformers.js pipeline so tokenising and inference never run on
 * the event loop that serves chat traffic. One request at a time (the caller schedules batches).
 *
 *   in:  { kind: "init", modelsDir, builtin?, model, allowRemote, nativeCacheDir? } | { kind: "embed", id, texts }
 *   out: { kind: "ready", dims } | { kind: "vectors", id, dims, data (Float32Array, transferred) } | { kind: "error", id?, message }
 */
import { setPriority } from "node:os";
import { loadPipeline, WORKER_NICE } from "./pipeline.ts";

declare const self: Worker;

type Incoming = { kind: "init"; modelsDir: string; builtin?: boolean; model: string; allowRemote: boolean; nativeCacheDir?: string } | { kind: "embed"; id: number; texts: string[] };
let embed: ((texts: string[]) => Promise<{ data: Float32Array; dims: number }>) | null = null;

self.onmessage = async (ev: MessageEvent<Incoming>) => {
  const msg = ev.data;
  if (msg.kind === "init") {
    // Linux's nice is per thread: this one (and onnxruntime's threads, started from it) yields the CPU
    // to the server's thread, which runs chat and the embedded database, when the two contend.
    // Elsewhere nice is per process: the whole server would be reniced, so it is left alone there.
    if (process.platform === "linux") {
      try {
        setPriority(0, WORKER_NICE);
      } catch {}
    }
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
