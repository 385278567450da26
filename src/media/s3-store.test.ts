/**
 * The S3 blob store against the SigV4-verifying fake (test/support/s3.ts), through the SSRF guard:
 * put/get/delete under the tenant/hash key, a wrong secret refused by the store's signature check,
 * a loopback endpoint refused by a guard that does not allow it, and two tenants' attachments kept
 * apart (rows under FORCE RLS, objects under their own tenant prefix).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { loopbackOutbound } from "../../test/support/outbound.ts";
import { type S3Fake, startS3Fake } from "../../test/support/s3.ts";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { seedTwoTenants, type TwoTenants } from "../../test/support/two-tenants.ts";
import { Outbound } from "../net/outbound.ts";
import { AttachmentStore } from "./attachments.ts";
import { S3BlobStore, type S3Settings } from "./s3-store.ts";
import { sha256Of } from "./store.ts";

const TENANT = "0b6f0c2e-6d7a-4c1e-9a8b-1c2d3e4f5a6b";
const BYTES = new TextEncoder().encode("%PDF-1.4 receipt");

let s3: S3Fake;
let settings: S3Settings;
beforeAll(() => {
  s3 = startS3Fake();
  settings = { endpoint: s3.url, bucket: s3.bucket, region: s3.region, access_key_id: s3.accessKeyId, secret_access_key: s3.secretAccessKey, prefix: "kon/" };
});
afterAll(() => s3.stop());

describe("S3 blob store", () => {
  test("put, get, delete under <prefix><tenant>/<xx>/<sha256>, signed and verified", async () => {
    const store = new S3BlobStore(settings, loopbackOutbound().fetch);
    const sha = sha256Of(BYTES);
    await store.put(TENANT, sha, BYTES);
    expect([...s3.objects.keys()]).toEqual([`kon/${TENANT}/${sha.slice(0, 2)}/${sha}`]);
    expect(await store.get(TENANT, sha)).toEqual(BYTES);
    await store.delete(TENANT, sha);
    expect(await store.get(TENANT, sha)).toBeNull();
    await store.delete(TENANT, sha); // idempotent
    expect(s3.log.map((l) => `${l.method} ${l.status}`)).toEqual(["PUT 200", "GET 200", "DELETE 204", "GET 404", "DELETE 204"]);
  });

  test("a wrong secret is refused by the signature check, and the error does not carry the secret", async () => {
    const store = new S3BlobStore({ ...settings, secret_access_key: "not-the-secret" }, loopbackOutbound().fetch);
    const err = await store.put(TENANT, sha256Of(BYTES), BYTES).then(() => null, (e: Error) => e);
    expect(err?.message).toBe("object storage PUT failed: HTTP 403");
    expect(s3.log.at(-1)).toMatchObject({ method: "PUT", status: 403 });
  });

  test("the endpoint goes through the SSRF guard: loopback is refused unless allowed", async () => {
    const store = new S3BlobStore(settings, new Outbound().fetch);
    const before = s3.log.length;
    await expect(store.get(TENANT, sha256Of(BYTES))).rejects.toThrow(/loopback|private|refused/i);
    expect(s3.log.length).toBe(before);
  });
});

describe.each(DB_KINDS)("attachments in S3 on %s Postgres", (kind) => {
  let t: TestDatabase;
  let ids: TwoTenants;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
    ids = await seedTwoTenants(t.db, `s3-${kind}`);
  }, 60_000);
  afterAll(() => t.cleanup());

  test("each tenant's object under its own prefix; the other tenant cannot open it", async () => {
    const store = new AttachmentStore(t.db, new S3BlobStore({ ...settings, prefix: `${kind}/` }, loopbackOutbound().fetch));
    const a = await store.keep(ids.A.tenant, { name: "a.pdf", mime: "application/pdf", kind: "document" }, BYTES);
    const b = await store.keep(ids.B.tenant, { name: "b.pdf", mime: "application/pdf", kind: "document" }, BYTES);
    expect([...s3.objects.keys()].filter((k) => k.startsWith(`${kind}/`)).sort()).toEqual([`${kind}/${ids.A.tenant}/${a.sha256.slice(0, 2)}/${a.sha256}`, `${kind}/${ids.B.tenant}/${b.sha256.slice(0, 2)}/${b.sha256}`].sort());
    expect(await store.open(ids.B.tenant, a.id)).toBeNull();
    expect((await store.open(ids.A.tenant, a.id))?.bytes).toEqual(BYTES);
    expect(await store.forget(ids.A.tenant, [a.id])).toBe(1);
    expect(s3.objects.has(`${kind}/${ids.A.tenant}/${a.sha256.slice(0, 2)}/${a.sha256}`)).toBe(false);
    expect((await store.open(ids.B.tenant, b.id))?.bytes).toEqual(BYTES);
  });
});

describe("config", () => {
  test("media.s3 validated; the secret is a redacted key", async () => {
    const { validate } = await import("../config/load.ts");
    const { SECRET_KEYS } = await import("../config/schema.ts");
    const { redactTree } = await import("../log/redact.ts");
    const config = validate({ media: { s3: { endpoint: "https://s3.example.com", bucket: "acme-files", access_key_id: "AK", secret_access_key: "sk-very-secret" } } });
    expect(config.media.s3).toMatchObject({ region: "us-east-1", prefix: "attachments/" });
    expect(SECRET_KEYS.has("secret_access_key")).toBe(true);
    expect(JSON.stringify(redactTree(config))).not.toContain("sk-very-secret");
    expect(() => validate({ media: { s3: { endpoint: "https://s3.example.com", bucket: "../x", access_key_id: "AK", secret_access_key: "s" } } })).toThrow(/bucket/);
    expect(() => validate({ media: { s3: { endpoint: "https://s3.example.com", bucket: "b-1", access_key_id: "AK", secret_access_key: "s", prefix: "../" } } })).toThrow(/prefix/);
  });
});
