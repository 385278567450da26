/**
 * Extraction in a child process of its own (`konstruct internal-extract`, the same executable from
 * source or compiled): a converter that a hostile file drives to gigabytes or into a loop takes only
 * the child down. The parent polls the child's RSS and kills it over `maxRssMb` or past `timeoutMs`;
 * either way the caller gets an `unprocessable` KonstructError with the reason. Chunking happens
 * there too, so the server's thread only stores rows. One child at a time: uploads queue for it.
 *   job (env KONSTRUCT_EXTRACT_JOB): { filename, mime, limits }   stdin: the file's bytes
 *   stdout: { ok: true, doc, chunks } | { ok: false, code, message }
 */
import { readFileSync } from "node:fs";
import { setPriority } from "node:os";
import { join } from "node:path";
import { type ErrorCode, KonstructError } from "../errors.ts";
import { type Chunk, chunkMarkdown } from "./chunk.ts";
import { type Extracted, type ExtractLimits, extractDocument } from "./extract.ts";

import { EXTRACT_COMMAND } from "./extract-command.ts";
const JOB_ENV = "KONSTRUCT_EXTRACT_JOB";
const RSS_POLL_MS = 25;

export interface ChildLimits extends ExtractLimits {
  timeoutMs: number;
  maxRssMb: number;
}

export interface ExtractResult {
  doc: Extracted;
  chunks: Chunk[];
}

type Reply = { ok: true; doc: Extracted; chunks: Chunk[] } | { ok: false; code: ErrorCode; message: string };

let queue: Promise<unknown> = Promise.resolve();

/** `bytes` may be a Blob (a file on disk) so a caller need not hold the file in memory. */
export function extractInChild(bytes: Uint8Array | Blob, filename: string, mime: string, limits: ChildLimits): Promise<ExtractResult> {
  const run = queue.then(() => runChild(bytes, filename, mime, limits));
  queue = run.catch(() => {});
  return run;
}

async function runChild(bytes: Uint8Array | Blob, filename: string, mime: string, limits: ChildLimits): Promise<ExtractResult> {
  const self = Bun.isStandaloneExecutable ? [process.execPath] : [process.execPath, join(import.meta.dir, "../cli/main.ts")];
  const child = Bun.spawn([...self, EXTRACT_COMMAND], {
    stdin: bytes,
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, [JOB_ENV]: JSON.stringify({ filename, mime, limits }) },
  });
  // Parsing is background work: at a lower priority it cannot take the CPU from chat turns on a small machine.
  try {
    setPriority(child.pid, 10);
  } catch {}
  let killed: string | null = null;
  const kill = (why: string) => {
    killed ??= why;
    child.kill("SIGKILL");
  };
  const deadline = setTimeout(() => kill(`extraction took longer than ${limits.timeoutMs / 1000} s`), limits.timeoutMs);
  const poll = setInterval(() => {
    const rss = rssMb(child.pid);
    if (rss !== null && rss > limits.maxRssMb) kill(`extraction needed more than ${limits.maxRssMb} MB of memory`);
  }, RSS_POLL_MS);
  try {
    const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    if (killed) throw new KonstructError("unprocessable", `'${filename}' was refused: ${killed}`);
    let reply: Reply;
    try {
      reply = JSON.parse(out) as Reply;
    } catch {
      throw new KonstructError("unprocessable", `'${filename}' could not be read: extraction ended with code ${code} (${err.trim().split("\n").at(-1) ?? ""})`);
    }
    if (!reply.ok) throw new KonstructError(reply.code, reply.message);
    return { doc: reply.doc, chunks: reply.chunks };
  } finally {
    clearTimeout(deadline);
    clearInterval(poll);
  }
}

/** Resident memory of a process in MB from /proc (Linux); null where there is no /proc. */
export function rssMb(pid: number): number | null {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

/** The child's side (cli/main.ts dispatches EXTRACT_COMMAND here). */
export async function extractChildMain(): Promise<number> {
  let reply: Reply;
  try {
    const job = JSON.parse(process.env[JOB_ENV] ?? "null") as { filename: string; mime: string; limits: ExtractLimits } | null;
    if (!job) throw new KonstructError("usage", `${EXTRACT_COMMAND} is internal: it reads its job from the server`);
    const bytes = new Uint8Array(await Bun.stdin.arrayBuffer());
    const doc = await extractDocument(bytes, job.filename, job.mime, job.limits);
    reply = { ok: true, doc, chunks: chunkMarkdown(doc.text) };
  } catch (e) {
    reply = { ok: false, code: e instanceof KonstructError ? e.code : "unprocessable", message: (e as Error).message };
  }
  await Bun.write(Bun.stdout, JSON.stringify(reply));
  return 0;
}
