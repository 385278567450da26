/**
 * Attachment blobs in S3-compatible object storage (AWS S3, MinIO, Ceph, R2…), path-style
 * `<endpoint>/<bucket>/<prefix><tenant>/<xx>/<sha256>`: the same key as the data-dir store (store.ts),
 * so no user-supplied name reaches a key. Requests are signed with SigV4 (aws4fetch) and sent through
 * the SSRF guard's fetch like every other configured URL. A PUT carries the body's SHA-256 as
 * `x-amz-content-sha256`, so the store verifies what it received. The secret is never logged: errors
 * name the operation and the status only.
 */
import { AwsClient } from "aws4fetch";
import { KonstructError } from "../errors.ts";
import { type BlobStore, blobKey } from "./store.ts";

export interface S3Settings {
  endpoint: string;
  bucket: string;
  region: string;
  access_key_id: string;
  secret_access_key: string;
  /** Prepended to every key (e.g. "konstruct/attachments/"). */
  prefix: string;
}

export class S3BlobStore implements BlobStore {
  private readonly client: AwsClient;
  private readonly base: string;
  constructor(
    private readonly s3: S3Settings,
    private readonly fetch: typeof globalThis.fetch,
  ) {
    this.client = new AwsClient({ accessKeyId: s3.access_key_id, secretAccessKey: s3.secret_access_key, region: s3.region, service: "s3", retries: 0 });
    this.base = `${s3.endpoint.replace(/\/+$/, "")}/${encodeURIComponent(s3.bucket)}/`;
  }

  private url(tenantId: string, sha256: string): string {
    return `${this.base}${this.s3.prefix}${blobKey(tenantId, sha256)}`;
  }

  private async send(op: string, url: string, init: RequestInit): Promise<Response> {
    const signed = await this.client.sign(url, init);
    const res = await this.fetch(signed, { redirect: "manual", signal: AbortSignal.timeout(60_000) });
    return res;
  }

  private fail(op: string, res: Response): never {
    throw new KonstructError("unavailable", `object storage ${op} failed: HTTP ${res.status}`);
  }

  async put(tenantId: string, sha256: string, bytes: Uint8Array): Promise<void> {
    const res = await this.send("PUT", this.url(tenantId, sha256), { method: "PUT", body: bytes, headers: { "content-type": "application/octet-stream", "x-amz-content-sha256": sha256 } });
    await res.body?.cancel();
    if (!res.ok) this.fail("PUT", res);
  }

  async get(tenantId: string, sha256: string): Promise<Uint8Array | null> {
    const res = await this.send("GET", this.url(tenantId, sha256), { method: "GET" });
    if (res.status === 404) return (await res.body?.cancel(), null);
    if (!res.ok) (await res.body?.cancel(), this.fail("GET", res));
    return new Uint8Array(await res.arrayBuffer());
  }

  async delete(tenantId: string, sha256: string): Promise<void> {
    const res = await this.send("DELETE", this.url(tenantId, sha256), { method: "DELETE" });
    await res.body?.cancel();
    // S3 answers 204 whether or not the key existed; some servers say 404.
    if (!res.ok && res.status !== 404) this.fail("DELETE", res);
  }
}
