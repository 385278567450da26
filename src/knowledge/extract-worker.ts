/**
 * Document extraction off the main thread: parsing a large PDF or DOCX takes seconds of CPU, and
 * its libraries (pdf.js, mammoth) stay out of the server's memory — the worker ends with the upload.
 *   in:  { filename, mime, bytes }   out: { ok: true, doc } | { ok: false, code, message }
 */
import { KonstructError } from "../errors.ts";
import { extractDocument } from "./extract.ts";

declare const self: Worker;

self.onmessage = async (ev: MessageEvent<{ filename: string; mime: string; bytes: Uint8Array }>) => {
  const { filename, mime, bytes } = ev.data;
  try {
    postMessage({ ok: true, doc: await extractDocument(bytes, filename, mime) });
  } catch (e) {
    postMessage({ ok: false, code: e instanceof KonstructError ? e.code : "internal", message: (e as Error).message });
  }
};
