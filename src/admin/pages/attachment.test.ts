/**
 * Files users sent, on the transcript page and as downloads, on both databases: the operator of the
 * owning tenant sees the link and gets the bytes (as a download, nosniff, sandboxed); another
 * tenant's admin gets 404 whichever tenant they name; anonymous is refused (401).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Browser, type ConsoleFixture, consoleFixture } from "../../../test/support/admin.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { agents, channels, conversations, inboundEvents, messages } from "../../db/schema/index.ts";
import { AttachmentStore } from "../../media/attachments.ts";
import { DirBlobStore } from "../../media/store.ts";

const PDF = new TextEncoder().encode("%PDF-1.4\n<script>alert(1)</script>\n%%EOF");

describe.each(DB_KINDS)("attachment downloads on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let s: Record<string, Browser>;
  let conversationId: string;
  let fileId: string;

  beforeAll(async () => {
    f = await consoleFixture(kind);
    s = await f.sessions();
    const db = f.app().db;
    const tenantId = f.acme;
    // PGlite has one connection: the store's own transaction must not nest inside this one.
    const eventId = await db.withTenant(tenantId, async (tx) => {
      const [agent] = await tx.select({ id: agents.id }).from(agents).limit(1);
      const [ch] = await tx.select({ id: channels.id }).from(channels).limit(1);
      const [ev] = await tx.insert(inboundEvents).values({ tenantId, channelId: ch!.id, eventKey: "e1", status: "done", message: {} }).returning();
      const [c] = await tx.insert(conversations).values({ tenantId, agentId: agent!.id, channelId: ch!.id, chatKey: "u1" }).returning();
      await tx.insert(messages).values({ tenantId, conversationId: c!.id, role: "user", content: "what does this say?", inboundEventId: ev!.id });
      conversationId = c!.id;
      return ev!.id;
    });
    const store = new AttachmentStore(db, new DirBlobStore(f.t.dataDir));
    fileId = (await store.keep(tenantId, { name: 'inv"oice<1>.pdf', mime: "application/pdf", kind: "document", inboundEventId: eventId }, PDF)).id;
  }, 180_000);
  afterAll(() => f.cleanup());

  test("the transcript links the file; the owner's operator downloads it safely", async () => {
    const page = await (await s.operator!.fetch(`/admin/conversations/${conversationId}?tenant=${f.acme}`)).text();
    expect(page).toContain(`href="/admin/attachments/${fileId}?tenant=${f.acme}"`);
    expect(page).toContain("inv&quot;oice&lt;1&gt;.pdf");
    const res = await s.operator!.fetch(`/admin/attachments/${fileId}?tenant=${f.acme}`);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PDF);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="inv_oice_1_.pdf"');
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toContain("sandbox");
  });

  test("another tenant's admin cannot fetch it, naming either tenant; anonymous is refused", async () => {
    for (const tenant of [f.globex, f.acme]) expect((await s.otherAdmin!.fetch(`/admin/attachments/${fileId}?tenant=${tenant}`)).status).toBeOneOf([403, 404]);
    expect((await s.otherAdmin!.fetch(`/admin/attachments/${fileId}?tenant=${f.globex}`)).status).toBe(404);
    const anon = await s.anonymous!.fetch(`/admin/attachments/${fileId}?tenant=${f.acme}`);
    expect(anon.status).toBe(401);
    expect((await s.operator!.fetch(`/admin/attachments/not-a-uuid?tenant=${f.acme}`)).status).toBeOneOf([400, 404]);
  });
});
