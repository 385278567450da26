/**
 * A document sent in chat into the knowledge base, on both databases with two tenants: the tool takes
 * the stored bytes of a file of the calling conversation (never another conversation's or tenant's),
 * runs the upload's extraction, and the document keeps the blob as its original — so deleting the
 * attachment row leaves the bytes for re-extraction, and deleting the document last removes them.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { DB_KINDS, openTestDatabase, type TestDatabase, tempDir } from "../../test/support/db.ts";
import { seedTwoTenants, type TwoTenants } from "../../test/support/two-tenants.ts";
import type { ToolContext } from "../agent/tools.ts";
import { channels, conversations, inboundEvents, kbDocuments, messages } from "../db/schema/index.ts";
import { AttachmentStore } from "../media/attachments.ts";
import { DirBlobStore, sha256Of } from "../media/store.ts";
import { kbAddAttachmentTool, kbFileName } from "./add-attachment.ts";
import { Knowledge } from "./knowledge.ts";

const PDF = await Bun.file(`${import.meta.dir}/../../test/fixtures/kb/formats/manual.pdf`).bytes();
const NOTES = new TextEncoder().encode("# Expense notes\n\nTaxis are reimbursed up to 40 EUR per ride with a receipt.");

describe("kb file names", () => {
  test("binary formats get the extension of their bytes; text keeps Markdown/HTML or becomes .txt", () => {
    expect(kbFileName("scan.jpg", "application/pdf")).toBe("scan.pdf");
    expect(kbFileName("notes.md", "text/plain")).toBe("notes.md");
    expect(kbFileName("notes.exe", "text/plain")).toBe("notes.exe.txt");
  });
});

describe.each(DB_KINDS)("kb_add_attachment on %s Postgres", (kind) => {
  let t: TestDatabase;
  let ids: TwoTenants;
  const dir = tempDir("konstruct-kb-add-");
  let blobs: DirBlobStore;
  let store: AttachmentStore;
  let kb: Knowledge;
  const ctx = (tenantId: string, conversationId: string): ToolContext => ({ tenantId, agentId: "", conversationId });
  const call = (file: string) => ({ id: "c1", name: "kb_add_attachment", arguments: { file } });
  const blobFile = (tenant: string, hash: string) => join(dir.path, "attachments", tenant, hash.slice(0, 2), hash);

  /** A conversation of tenant `k` in which `files` were sent; returns its id and the attachment rows. */
  async function chatWith(k: "A" | "B", files: [string, string, Uint8Array][]) {
    const { tenant, agent } = ids[k];
    return t.db.withTenant(tenant, async (tx) => {
      const [ch] = await tx.insert(channels).values({ tenantId: tenant, agentId: agent, kind: "webchat", name: `w-${crypto.randomUUID()}`, mode: "webhook", secrets: new Uint8Array(0) }).returning();
      const [conv] = await tx.insert(conversations).values({ tenantId: tenant, agentId: agent, channelId: ch!.id, chatKey: crypto.randomUUID() }).returning();
      const [ev] = await tx.insert(inboundEvents).values({ tenantId: tenant, channelId: ch!.id, eventKey: crypto.randomUUID(), message: { sender: { id: "u1" } } }).returning();
      await tx.insert(messages).values({ tenantId: tenant, conversationId: conv!.id, role: "user", content: "see attached", inboundEventId: ev!.id });
      return { conversation: conv!.id, event: ev!.id, channel: ch!.id };
    }).then(async (c) => ({ ...c, rows: await Promise.all(files.map(([name, mime, bytes]) => store.keep(tenant, { name, mime, kind: "document", inboundEventId: c.event, channelId: c.channel, userKey: "u1" }, bytes))) }));
  }

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    ids = await seedTwoTenants(t.db, `kbadd-${kind}`);
    blobs = new DirBlobStore(dir.path);
    store = new AttachmentStore(t.db, blobs);
    kb = new Knowledge(t.db, () => {}, undefined, blobs);
  }, 60_000);
  afterAll(async () => {
    await t.cleanup();
    dir.remove();
  });

  test("a PDF sent as scan.jpg is added from the stored bytes with the upload's extraction, once", async () => {
    const tool = kbAddAttachmentTool({ db: t.db, attachments: () => store, knowledge: () => kb });
    const chat = await chatWith("A", [["scan.jpg", "application/pdf", PDF], ["notes.md", "text/plain", NOTES]]);
    const out = await tool.run(call("SCAN.JPG"), ctx(ids.A.tenant, chat.conversation));
    expect(out).toMatch(/^Added "scan\.jpg" to the knowledge base as "[^"]+" \(\d+ passages\)/);
    const [doc] = await t.db.withTenant(ids.A.tenant, (tx) => tx.select().from(kbDocuments).where(eq(kbDocuments.filename, "scan.pdf")));
    expect(doc).toMatchObject({ sourceSha256: sha256Of(PDF), mime: "application/pdf" });
    expect(doc!.chunksTotal).toBeGreaterThan(1);
    expect(doc!.body).toContain("#"); // headings inferred from the PDF, as for an upload
    expect(await tool.run(call("scan.jpg"), ctx(ids.A.tenant, chat.conversation))).toMatch(/already in the knowledge base/);
    expect(await tool.run(call("notes.md"), ctx(ids.A.tenant, chat.conversation))).toMatch(/as "Expense notes"/);
  });

  test("only the calling conversation's documents, and never another tenant's", async () => {
    const tool = kbAddAttachmentTool({ db: t.db, attachments: () => store, knowledge: () => kb });
    const a = await chatWith("A", [["policy.md", "text/plain", new TextEncoder().encode("# Travel policy\n\nBook trains for trips under four hours.")]]);
    const other = await chatWith("A", [["other.md", "text/plain", NOTES]]);
    expect(await tool.run(call("policy.md"), ctx(ids.A.tenant, other.conversation))).toBe('error: no document named "policy.md" was sent in this conversation; the documents are: "other.md"');
    // B naming A's conversation sees nothing of it (RLS), and B's knowledge base stays empty.
    expect(await tool.run(call("policy.md"), ctx(ids.B.tenant, a.conversation))).toBe("error: no document was sent in this conversation");
    expect(await t.db.withTenant(ids.B.tenant, (tx) => tx.select().from(kbDocuments))).toEqual([]);
  });

  test("the blob outlives its attachment row while the document names it; re-extract reads it; removing the document frees it", async () => {
    const bytes = new TextEncoder().encode("# Onboarding\n\nNew staff get a laptop on day one.");
    const chat = await chatWith("B", [["onboarding.md", "text/plain", bytes]]);
    const tool = kbAddAttachmentTool({ db: t.db, attachments: () => store, knowledge: () => kb });
    expect(await tool.run(call("onboarding.md"), ctx(ids.B.tenant, chat.conversation))).toMatch(/^Added/);
    const hash = sha256Of(bytes);
    expect(await store.forget(ids.B.tenant, chat.rows.map((r) => r.id))).toBe(1);
    expect(existsSync(blobFile(ids.B.tenant, hash))).toBe(true);

    const [doc] = await t.db.withTenant(ids.B.tenant, (tx) => tx.update(kbDocuments).set({ body: "stale text" }).where(eq(kbDocuments.sourceSha256, hash)).returning());
    const again = await kb.reextract(ids.B.tenant, doc!.id);
    expect(again).toMatchObject({ title: "Onboarding", status: "queued", chunksDone: 0 });
    const [fresh] = await t.db.withTenant(ids.B.tenant, (tx) => tx.select().from(kbDocuments).where(eq(kbDocuments.id, doc!.id)));
    expect(fresh!.body).toContain("laptop on day one");
    // Another tenant cannot re-extract (or even see) it.
    expect(await kb.reextract(ids.A.tenant, doc!.id)).toBeNull();

    expect(await kb.remove(ids.B.tenant, doc!.id)).toBe(true);
    expect(existsSync(blobFile(ids.B.tenant, hash))).toBe(false);
  });

  test("a document without a stored original says so; a blob both a document and a chat name stays until both are gone", async () => {
    const noOriginal = new Knowledge(t.db, () => {});
    const { document } = await noOriginal.upload(ids.A.tenant, { filename: "old.md", mime: "text/markdown", bytes: new TextEncoder().encode("# Old\n\nStored before originals were kept.") });
    expect(document.sourceSha256).toBeNull();
    await expect(kb.reextract(ids.A.tenant, document.id)).rejects.toThrow(/original file of this document is not stored/);

    const bytes = new TextEncoder().encode("# Shared\n\nUploaded in the console and sent in chat.");
    const { document: up } = await kb.upload(ids.A.tenant, { filename: "shared.md", mime: "text/markdown", bytes });
    const chat = await chatWith("A", [["shared.md", "text/plain", bytes]]);
    expect(await kb.remove(ids.A.tenant, up.id)).toBe(true);
    expect(existsSync(blobFile(ids.A.tenant, sha256Of(bytes)))).toBe(true); // the chat's row still names it
    expect((await store.open(ids.A.tenant, chat.rows[0]!.id))?.bytes).toEqual(bytes);
    await store.forget(ids.A.tenant, [chat.rows[0]!.id]);
    expect(existsSync(blobFile(ids.A.tenant, sha256Of(bytes)))).toBe(false);
  });
});
