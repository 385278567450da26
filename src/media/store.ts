/**
 * Where attachment bytes live. A blob is addressed only by (tenant id, SHA-256 of its bytes): both
 * are checked against strict patterns here, so no user-supplied name ever reaches a path or an
 * object key and nothing can climb out of its tenant's folder. The same bytes sent twice in one
 * tenant are one blob; two tenants never share one (the tenant id is the first path segment).
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { KonstructError } from "../errors.ts";

export interface BlobStore {
  put(tenantId: string, sha256: string, bytes: Uint8Array): Promise<void>;
  /** The bytes, or null when there is no such blob. */
  get(tenantId: string, sha256: string): Promise<Uint8Array | null>;
  /** Idempotent: deleting what is not there is fine. */
  delete(tenantId: string, sha256: string): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** Hashed in 1 MB slices with a turn of the event loop between them: a 20 MB upload hashed at once holds the server's thread for ~60 ms. */
const HASH_SLICE = 1024 * 1024;

export const sha256Of = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** sha256Of for bytes that arrive from outside (uploads, attachments): it lets requests in while it runs. */
export async function sha256Sliced(bytes: Uint8Array): Promise<string> {
  const hash = createHash("sha256");
  for (let i = 0; i < bytes.byteLength; i += HASH_SLICE) {
    hash.update(bytes.subarray(i, i + HASH_SLICE));
    if (i + HASH_SLICE < bytes.byteLength) await new Promise<void>((r) => setTimeout(r, 0));
  }
  return hash.digest("hex");
}

/** `<tenant>/<first two hex>/<hash>`: the one key shape both stores use. */
export function blobKey(tenantId: string, sha256: string): string {
  if (!UUID.test(tenantId) || !SHA256.test(sha256)) throw new KonstructError("bad_request", "attachment key must be a tenant id and a SHA-256");
  return `${tenantId}/${sha256.slice(0, 2)}/${sha256}`;
}

/** The default: `<data_dir>/attachments/<key>`, written to a temporary name and renamed (no torn files). */
export class DirBlobStore implements BlobStore {
  private readonly root: string;
  constructor(dataDir: string) {
    this.root = resolve(dataDir, "attachments");
  }

  private path(tenantId: string, sha256: string): string {
    return join(this.root, blobKey(tenantId, sha256));
  }

  async put(tenantId: string, sha256: string, bytes: Uint8Array): Promise<void> {
    if ((await sha256Sliced(bytes)) !== sha256) throw new KonstructError("internal", "attachment bytes do not match their hash");
    const file = this.path(tenantId, sha256);
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, file);
  }

  async get(tenantId: string, sha256: string): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await readFile(this.path(tenantId, sha256)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
  }

  async delete(tenantId: string, sha256: string): Promise<void> {
    await rm(this.path(tenantId, sha256), { force: true });
  }
}
