/**
 * Files in the console's web chat, in-process on both databases with two tenants: an operator sends a
 * PDF with a question (multipart, the page's own form); it is kept under acme, tied to the message's
 * event, read by the knowledge base's extractor and reaches the model as a channel attachment does;
 * the log names it. A file larger than the console's 256 KB form limit passes for a signed-in user
 * (the upload limit), a disguised executable is refused with nothing stored, and globex sees nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Browser, type ConsoleFixture, consoleFixture } from "../../../test/support/admin.ts";
import { eventually } from "../../../test/support/app.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { type LlmMock, startLlmMock } from "../../../test/support/llm.ts";
import { agents, attachments } from "../../db/schema/index.ts";

const PDF = await Bun.file(`${import.meta.dir}/../../../test/fixtures/kb/formats/manual.pdf`).bytes();
const EXE = Uint8Array.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, ...new Array(112).fill(0)]);

describe.each(DB_KINDS)("web chat files on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let s: Record<string, Browser>;
  let llm: LlmMock;
  let adaId = "";
  const q = () => `?tenant=${f.acme}`;
  const send = (text: string, files: [string, Uint8Array][]) => {
    const form = new FormData();
    form.append("text", text);
    for (const [name, bytes] of files) form.append("file", new Blob([bytes]), name);
    return s.operator!.fetch(`/admin/chat/${adaId}/messages${q()}`, { method: "POST", body: form, headers: { "hx-request": "true" } });
  };
  const rows = (tenantId: string) => f.app().db.withTenant(tenantId, (tx) => tx.select().from(attachments));

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.replyAll("The manual covers setup.");
    f = await consoleFixture(kind, {
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }] },
      tenants: [
        { slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"] }] },
        { slug: "globex", name: "Globex", agents: [] },
      ],
    });
    s = await f.sessions();
    [{ id: adaId }] = (await f.app().db.withTenant(f.acme, (tx) => tx.select({ id: agents.id }).from(agents))) as [{ id: string }];
  }, 180_000);
  afterAll(async () => {
    await f?.cleanup();
    await llm?.stop();
  });

  test("a PDF sent with a question is kept, read with the KB's extractor, and shown to the model; the log names it", async () => {
    const before = llm.journal().length;
    const res = await send("What does the manual cover?", [["manual.pdf", PDF]]);
    expect(res.status).toBe(200);
    const log = await eventually(async () => {
      const html = await (await s.operator!.fetch(`/admin/chat/${adaId}/log${q()}`, { headers: { "hx-request": "true" } })).text();
      return html.includes("The manual covers setup.") ? html : null;
    }, 20_000, "the reply");
    expect(log).toContain("Attached: manual.pdf");
    const asked = llm.journal().slice(before);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.lastUser).toContain('[attached document "manual.pdf" (application/pdf), its text follows]');
    const kept = await rows(f.acme);
    expect(kept.map((r) => [r.name, r.mime, r.kind, r.userKey === "" ? "" : "set", r.inboundEventId === null ? "unclaimed" : "claimed"])).toEqual([["manual.pdf", "application/pdf", "document", "set", "claimed"]]);
    expect(await rows(f.globex)).toEqual([]);
  });

  test("past the 256 KB form limit for a signed-in user; a disguised executable is refused and nothing is stored", async () => {
    const big = new TextEncoder().encode("meeting notes line\n".repeat(20_000)); // ~380 KB of text
    expect((await send("", [["notes.txt", big]])).status).toBe(200);
    await eventually(async () => ((await rows(f.acme)).some((r) => r.name === "notes.txt" && r.inboundEventId) ? true : null), 20_000, "the notes claimed");
    const count = (await rows(f.acme)).length;
    const refused = await send("here is the receipt", [["receipt.jpg", EXE]]);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("application/x-msdownload");
    expect((await rows(f.acme)).length).toBe(count);
    expect((await send("", [])).status).toBe(400);
  });
});
