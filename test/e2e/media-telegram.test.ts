/**
 * Attachments end to end over Telegram on both databases: the real app polls the shimmed Bot API,
 * downloads what the user sent (getFile + file URL), judges the bytes, and either puts a text file's
 * or a PDF's text into the model's prompt (the LLM mock's journal shows it) or answers a clear refusal
 * without calling the model — an executable renamed .jpg, a file over the limit, too many files.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { sha256Of } from "../../src/media/store.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { startTelegramShim, type TelegramShim } from "../support/telegram.ts";

const PNG = Uint8Array.from(Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64"));
const EXE = Uint8Array.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, ...new Array(112).fill(0)]);

describe.each(DB_KINDS)("media over Telegram on %s Postgres", (kind) => {
  let llm: LlmMock;
  let tg: TelegramShim;
  let t: TestApp;

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.replyAll("Noted.");
    tg = await startTelegramShim({ bots: [{ username: "AcmeMediaBot" }] });
    t = await startTestApp(kind, {
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }] },
      media: { max_document_mb: 1, max_files_per_message: 2 },
      tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], channels: [{ kind: "telegram", name: "tg", bot_token: tg.token, api_root: tg.apiRoot }] }] }],
    });
  });
  afterAll(async () => {
    await t.cleanup();
    await tg.stop();
    await llm.stop();
  });

  const doc = (bytes: Uint8Array, file_name: string) => ({ ...tg.putFile(bytes), file_name });

  test("a text document's content reaches the model's prompt", async () => {
    const text = "Parking receipt 4711: total 23.50 EUR, paid by card.";
    await tg.userSends(1001, "", { extra: { caption: "what did I pay?", document: doc(new TextEncoder().encode(text), "receipt.txt") } as never });
    const [reply] = await tg.waitForReplies(1001, 1, { timeoutMs: 20_000 });
    expect(reply!.visible).toBe("Noted.");
    const prompt = llm.journal().at(-1)!.lastUser;
    expect(prompt).toContain("what did I pay?");
    expect(prompt).toContain(text);
  });

  test("a PDF is read with the knowledge base's extractor: its text is in the prompt, and still there for a follow-up", async () => {
    const pdf = new Uint8Array(await Bun.file(`${import.meta.dir}/../fixtures/kb/policy.pdf`).arrayBuffer());
    await tg.userSends(1006, "", { extra: { caption: "how long must passwords be?", document: doc(pdf, "policy.pdf") } as never });
    await tg.waitForReplies(1006, 1, { timeoutMs: 30_000 });
    const prompt = llm.journal().at(-1)!.lastUser!;
    expect(prompt).toContain("how long must passwords be?");
    expect(prompt).toContain('[attached document "policy.pdf" (application/pdf), its text follows]');
    expect(prompt).toContain("Passwords must be at least 14 characters long.");
    // Kept in the tenant's folder of the data dir, named by its hash (never "policy.pdf").
    const { tenantId } = await t.channel("acme", "tg");
    const sha = sha256Of(pdf);
    expect(existsSync(join(t.dataDir, "attachments", tenantId, sha.slice(0, 2), sha))).toBe(true);
    await tg.userSends(1006, "and where do I report phishing?");
    await tg.waitForReplies(1006, 2, { timeoutMs: 20_000 });
    const later = llm.journal().at(-1)!;
    expect(later.lastUser).toBe("and where do I report phishing?");
    expect(JSON.stringify(later.messages)).toContain("Report phishing emails to security@example.com.");
  });

  test("an executable renamed .jpg is refused plainly, and the model is not called", async () => {
    const calls = llm.journal().length;
    await tg.userSends(1002, "", { extra: { caption: "my receipt", document: doc(EXE, "receipt.jpg") } as never });
    const [reply] = await tg.waitForReplies(1002, 1, { timeoutMs: 20_000 });
    expect(reply!.visible).toContain(`can't use "receipt.jpg"`);
    expect(reply!.visible).toContain("application/x-msdownload");
    expect(llm.journal()).toHaveLength(calls);
  });

  test("a file over the limit is refused with the limit named", async () => {
    const calls = llm.journal().length;
    await tg.userSends(1003, "", { extra: { caption: "read this", document: doc(new Uint8Array(1024 * 1024 + 10).fill(97), "huge.txt") } as never });
    const [reply] = await tg.waitForReplies(1003, 1, { timeoutMs: 20_000 });
    expect(reply!.visible).toContain(`"huge.txt" is too large`);
    expect(reply!.visible).toContain("1 MB");
    expect(llm.journal()).toHaveLength(calls);
  });

  test("a photo, with no model that sees images, gets the plain message and no model call", async () => {
    const calls = llm.journal().length;
    await tg.userSends(1004, "", { extra: { caption: "what's on this receipt?", photo: [{ ...tg.putFile(PNG), width: 1, height: 1 }] } as never });
    const [reply] = await tg.waitForReplies(1004, 1, { timeoutMs: 20_000 });
    expect(reply!.visible).toContain("This AI employee cannot see images");
    expect(llm.journal()).toHaveLength(calls);
  });

  test("more files than allowed in one message are refused", async () => {
    const calls = llm.journal().length;
    const text = new TextEncoder().encode("x");
    const m = { caption: "three", document: doc(text, "a.txt"), photo: [{ ...tg.putFile(PNG), width: 1, height: 1 }], voice: { ...tg.putFile(text), duration: 1 } };
    await tg.userSends(1005, "", { extra: m as never });
    const [reply] = await tg.waitForReplies(1005, 1, { timeoutMs: 20_000 });
    expect(reply!.visible).toBe("Please send at most 2 files in one message.");
    expect(llm.journal()).toHaveLength(calls);
  });
});
