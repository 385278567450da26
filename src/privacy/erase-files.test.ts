/**
 * Erasing a person deletes the objects of the files they sent from S3-compatible storage (the fake
 * verifies every signature), on both databases with two tenants: an object only they named goes; one
 * a knowledge-base document was made from stays (the document names it); the same person's file in
 * the other tenant stays. The data-dir store is covered end to end by erase.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { loopbackOutbound } from "../../test/support/outbound.ts";
import { type S3Fake, startS3Fake } from "../../test/support/s3.ts";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "../../test/support/db.ts";
import { seedTwoTenants, type TwoTenants } from "../../test/support/two-tenants.ts";
import { eq } from "drizzle-orm";
import { attachments, auditLog, channels, inboundEvents } from "../db/schema/index.ts";
import { Knowledge } from "../knowledge/knowledge.ts";
import { AttachmentStore } from "../media/attachments.ts";
import { S3BlobStore } from "../media/s3-store.ts";
import { sha256Of } from "../media/store.ts";
import { erasePerson } from "./erase.ts";

const JANE = "tg:4711";
const enc = (s: string) => new TextEncoder().encode(s);

describe.each(DB_KINDS)("erasing a person's files in object storage on %s Postgres", (kind) => {
  let t: TestDatabase;
  let ids: TwoTenants;
  let s3: S3Fake;
  let store: AttachmentStore;
  const key = (tenant: string, bytes: Uint8Array) => `kon/${tenant}/${sha256Of(bytes).slice(0, 2)}/${sha256Of(bytes)}`;

  /** A file `who` sent in tenant `k` (an inbound event of theirs, as a channel records it). */
  async function sent(k: "A" | "B", who: string, name: string, bytes: Uint8Array) {
    const { tenant, agent } = ids[k];
    const event = await t.db.withTenant(tenant, async (tx) => {
      const [ch] = await tx.insert(channels).values({ tenantId: tenant, agentId: agent, kind: "telegram", name: `t-${crypto.randomUUID()}`, mode: "webhook", secrets: new Uint8Array(0) }).returning();
      const [ev] = await tx.insert(inboundEvents).values({ tenantId: tenant, channelId: ch!.id, eventKey: crypto.randomUUID(), message: { sender: { id: who }, text: "" } }).returning();
      return ev!.id;
    });
    return store.keep(tenant, { name, mime: "text/plain", kind: "document", inboundEventId: event, userKey: who }, bytes);
  }

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    ids = await seedTwoTenants(t.db, `erase-s3-${kind}`);
    s3 = startS3Fake();
    const blobs = new S3BlobStore({ endpoint: s3.url, bucket: s3.bucket, region: s3.region, access_key_id: s3.accessKeyId, secret_access_key: s3.secretAccessKey, prefix: "kon/" }, loopbackOutbound().fetch);
    store = new AttachmentStore(t.db, blobs);
  }, 60_000);
  afterAll(async () => {
    s3.stop();
    await t.cleanup();
  });

  test("her objects go unless a document or the other tenant names them; counted, not named, in the audit", async () => {
    const receipt = enc("receipt 2026-12-01, taxi 38 EUR");
    const policy = enc("# Expense policy\n\nTaxis up to 40 EUR.");
    await sent("A", JANE, "receipt.txt", receipt);
    await sent("A", JANE, "policy.md", policy);
    await sent("B", JANE, "receipt.txt", receipt);
    await sent("A", "tg:999", "other.txt", enc("someone else's note"));
    // The policy she sent was added to A's knowledge base: the document now names those bytes.
    await new Knowledge(t.db, () => {}, undefined, store.blobs).upload(ids.A.tenant, { filename: "policy.md", mime: "text/markdown", bytes: policy });
    expect(s3.objects.has(key(ids.A.tenant, receipt))).toBe(true);

    const counts = await erasePerson(t.db, ids.A.tenant, JANE, "admin@a.test", store);
    expect(counts).toMatchObject({ attachments: 2, inbound_events: 2 });
    expect([s3.objects.has(key(ids.A.tenant, receipt)), s3.objects.has(key(ids.A.tenant, policy)), s3.objects.has(key(ids.B.tenant, receipt))]).toEqual([false, true, true]);
    const left = await t.db.withTenant(ids.A.tenant, (tx) => tx.select({ userKey: attachments.userKey }).from(attachments));
    expect(left).toEqual([{ userKey: "tg:999" }]);
    expect((await t.db.withTenant(ids.B.tenant, (tx) => tx.select().from(attachments))).map((r) => r.userKey)).toEqual([JANE]);
    expect(s3.log.filter((l) => l.method === "DELETE").map((l) => l.status)).toEqual([204]);
    const [entry] = await t.db.withTenant(ids.A.tenant, (tx) => tx.select().from(auditLog).where(eq(auditLog.kind, "privacy.erase")));
    expect(entry!.data).toMatchObject({ counts: { attachments: 2 } });
    expect(JSON.stringify(entry)).not.toContain(JANE); // the ids in the entry are UUIDs, so not the bare digits
  });
});
