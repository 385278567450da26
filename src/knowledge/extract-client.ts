/** Runs extract.ts in a short-lived worker (extract-worker.ts); same result or the same KonstructError. */
import { type ErrorCode, KonstructError } from "../errors.ts";
import type { Extracted } from "./extract.ts";

export function extractInWorker(bytes: Uint8Array, filename: string, mime: string): Promise<Extracted> {
  // In the compiled binary the worker is an entry point of its own (scripts/build.ts), under src/.
  const worker = new Worker(Bun.isStandaloneExecutable ? "/$bunfs/root/knowledge/extract-worker.js" : new URL("./extract-worker.ts", import.meta.url).href);
  return new Promise<Extracted>((resolve, reject) => {
    worker.onmessage = (ev: MessageEvent<{ ok: true; doc: Extracted } | { ok: false; code: ErrorCode; message: string }>) => {
      const r = ev.data;
      if (r.ok) resolve(r.doc);
      else reject(new KonstructError(r.code, r.message));
    };
    worker.onerror = (e) => reject(new KonstructError("internal", `document extraction failed: ${e.message}`));
    worker.postMessage({ bytes, filename, mime });
  }).finally(() => worker.terminate());
}
