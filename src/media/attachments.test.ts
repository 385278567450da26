/**
 * Attachments per tenant on both databases: bytes kept under the tenant id and content hash (never
 * the sender's name), rows invisible to the other tenant, and `forget` deleting a blob only when no
 * row of that tenant still names it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { DB_KINDS, openTestDatabase, type TestDatabase, tempDir } from "../../test/support/db.ts";
import { seedTwoTenants, type TwoTenants } from "../../test/support/two-tenants.ts";
import { attachments } from "../db/schema/index.ts";
import { AttachmentStore } from "./attachments.ts";
import { blobKey, DirBlobStore, sha256Of, sha256Sliced } from "./store.ts";

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);

describe("sha256Sliced (large uploads, hashed a slice per event-loop turn)", () => {
  test("is SHA-256, across slice boundaries", async () => {
    const MB = 1024 * 1024;
    for (const n of [0, 1, MB - 1, MB, MB + 1, 3 * MB + 17]) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff);
      expect(await sha256Sliced(bytes)).toBe(new Bun.CryptoHasher("sha256").update(bytes).digest("hex"));
    }
  });

  test("lets a timer run while it hashes 20 MB", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    await sha256Sliced(new Uint8Array(20 * 1024 * 1024));
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(5);
  });
});

describe("blob keys", () => {
  test("only a tenant uuid and a SHA-256 make a key; names and traversal are refused", () => {
    const t = "0b6f0c2e-6d7a-4c1e-9a8b-1c2d3e4f5a6b";
    expect(blobKey(t, sha256Of(JPEG))).toBe(`${t}/${sha256Of(JPEG).slice(0, 2)}/${sha256Of(JPEG)}`);
    for (const [tenant, hash] of [["../etc", sha256Of(JPEG)], [t, "../../passwd"], [t, "receipt.jpg"], [`${t}/..`, sha256Of(JPEG)]]) expect(() => blobKey(tenant!, hash!)).toThrow(/tenant id and a SHA-256/);
  });
});

describe.each(DB_KINDS)("attachments on %s Postgres", (kind) => {
  let t: TestDatabase;
  let ids: TwoTenants;
  const dir = tempDir("konstruct-blobs-");
  let store: AttachmentStore;

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    ids = await seedTwoTenants(t.db, `att-${kind}`);
    store = new AttachmentStore(t.db, new DirBlobStore(dir.path));
  }, 60_000);
  afterAll(async () => {
    await t.cleanup();
    dir.remove();
  });

  test("kept under the tenant's folder by hash; the other tenant cannot read the row or open it", async () => {
    const row = await store.keep(ids.A.tenant, { name: "../../receipt.jpg", mime: "image/jpeg", kind: "image", userKey: "u1" }, JPEG);
    expect(row.name).toBe("../../receipt.jpg");
    const file = join(dir.path, "attachments", ids.A.tenant, row.sha256.slice(0, 2), row.sha256);
    expect(existsSync(file)).toBe(true);
    expect(readdirSync(join(dir.path, "attachments"))).toEqual([ids.A.tenant]);

    expect((await store.open(ids.A.tenant, row.id))?.bytes).toEqual(JPEG);
    expect(await store.open(ids.B.tenant, row.id)).toBeNull();
    expect(await t.db.withTenant(ids.B.tenant, (tx) => tx.select().from(attachments))).toEqual([]);
    expect((await t.db.withTenant(ids.A.tenant, (tx) => tx.select().from(attachments))).map((r) => r.id)).toEqual([row.id]);
    // B forgetting A's id deletes nothing, and A's blob stays.
    expect(await store.forget(ids.B.tenant, [row.id])).toBe(0);
    expect(existsSync(file)).toBe(true);
  });

  test("the same bytes twice are one blob; it goes with the last row that names it", async () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 9, 9, 9]);
    const one = await store.keep(ids.B.tenant, { name: "a.png", mime: "image/png", kind: "image" }, bytes);
    const two = await store.keep(ids.B.tenant, { name: "b.png", mime: "image/png", kind: "image" }, bytes);
    const file = join(dir.path, "attachments", ids.B.tenant, one.sha256.slice(0, 2), one.sha256);
    expect(await store.forget(ids.B.tenant, [one.id])).toBe(1);
    expect(existsSync(file)).toBe(true);
    expect((await store.open(ids.B.tenant, two.id))?.bytes).toEqual(bytes);
    expect(await store.forget(ids.B.tenant, [two.id])).toBe(1);
    expect(existsSync(file)).toBe(false);
    expect(await store.open(ids.B.tenant, two.id)).toBeNull();
  });

  test("an upload opens for its sender only, until another event claims it (its own event still reads it)", async () => {
    const bytes = new TextEncoder().encode("uploaded via the widget");
    const row = await store.keep(ids.A.tenant, { name: "notes.txt", mime: "text/plain", kind: "document", userKey: "visitor:v1" }, bytes);
    const [e1, e2] = [crypto.randomUUID(), crypto.randomUUID()];
    expect((await store.openOwn(ids.A.tenant, row.id, "visitor:v1", e1))?.bytes).toEqual(bytes);
    expect(await store.openOwn(ids.A.tenant, row.id, "visitor:v2", e1)).toBeNull();
    expect(await store.openOwn(ids.B.tenant, row.id, "visitor:v1", e1)).toBeNull();
    await store.claim(ids.A.tenant, row.id, e1);
    await store.claim(ids.A.tenant, row.id, e2); // once: the second claim changes nothing
    expect((await store.openOwn(ids.A.tenant, row.id, "visitor:v1", e1))?.row.inboundEventId).toBe(e1);
    expect(await store.openOwn(ids.A.tenant, row.id, "visitor:v1", e2)).toBeNull();
  });
});
