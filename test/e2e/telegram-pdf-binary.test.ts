/**
 * Issue 14's "a Telegram user sends a PDF and asks about it", from the compiled binary: `konstruct
 * serve` polls the Telegram emulator, downloads the document (getFile + the file URL), sniffs it,
 * reads it with the knowledge base's extractor in its child process, and the model's prompt carries
 * its text (the LLM mock's journal is the proof), also for a follow-up in the same chat. Hostile files
 * — a program named .pdf and claimed as application/pdf, a PDF over the limit, a PDF the extractor
 * cannot parse — each get exactly one clear refusal and no model call; nothing is lost: the event
 * ends, the process keeps serving, and the next message of that user is answered normally.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { eventually } from "../support/app.ts";
import { ensureBinary, writeBinaryConfig } from "../support/binary.ts";
import { tempDir } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { securityConfig } from "../support/outbound.ts";
import { startTelegramShim, type TelegramShim } from "../support/telegram.ts";
import { testPort } from "../support/ports.ts";

const PDF = new Uint8Array(await Bun.file(`${import.meta.dir}/../fixtures/kb/policy.pdf`).arrayBuffer());
const EXE = Uint8Array.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, ...new Array(112).fill(0)]);

let llm: LlmMock;
let tg: TelegramShim;
let dir: { path: string; remove(): void };
let child: Subprocess | undefined;

beforeAll(async () => {
  const binary = ensureBinary();
  [llm, tg] = await Promise.all([startLlmMock(), startTelegramShim({ bots: [{ username: "PdfBinaryBot" }] })]);
  dir = tempDir("konstruct-tg-pdf-binary-");
  const port = testPort();
  writeBinaryConfig(dir.path, port, llm.url, {
    media: { max_document_mb: 1 },
    tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/chat"], channels: [{ kind: "telegram", name: "tg", bot_token: tg.token, api_root: tg.apiRoot }] }] }],
  });
  llm.replyAll("I can only answer from what you send me.");
  llm.on({ lastUser: "how long must passwords be?" }, { text: "At least 14 characters, says the policy." });
  llm.on({ lastUser: "where do I report phishing?" }, { text: "To security@example.com." });
  child = Bun.spawn([binary, "serve"], { cwd: dir.path, env: { PATH: "/usr/bin:/bin", HOME: dir.path }, stdout: "ignore", stderr: "inherit" });
  await eventually(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.ok, 60_000, "binary ready");
}, 300_000);
afterAll(async () => {
  child?.kill();
  await child?.exited;
  await Promise.all([llm?.stop(), tg?.stop()]);
  dir?.remove();
});

const doc = (bytes: Uint8Array, file_name: string, mime_type = "application/pdf") => ({ ...tg.putFile(bytes), file_name, mime_type });
const chats = () => llm.journal().filter((r) => r.path === "/v1/chat/completions");

/** Sends, waits for the `n`th reply in the chat, and gives the replies after a pause (a second one would show). */
async function exchange(chat: number, caption: string, extra: Record<string, unknown>, n: number) {
  await tg.userSends(chat, extra.document ? "" : caption, { extra: (extra.document ? { caption, ...extra } : extra) as never });
  await tg.waitForReplies(chat, n, { timeoutMs: 45_000 });
  await Bun.sleep(1000);
  return tg.botReplies(chat);
}

test("a PDF asked about: its extracted text is in the model's prompt, the answer comes back once, and a follow-up still has it", async () => {
  const replies = await exchange(8101, "how long must passwords be?", { document: doc(PDF, "policy.pdf") }, 1);
  expect(replies.map((r) => r.visible)).toEqual(["At least 14 characters, says the policy."]);
  const prompt = chats().at(-1)!.lastUser!;
  expect(prompt).toContain("how long must passwords be?");
  expect(prompt).toContain('[attached document "policy.pdf" (application/pdf), its text follows]');
  expect(prompt).toContain("Passwords must be at least 14 characters long.");
  const after = await exchange(8101, "and where do I report phishing?", {}, 2);
  expect(after.map((r) => r.visible)).toEqual(["At least 14 characters, says the policy.", "To security@example.com."]);
  const followUp = chats().at(-1)!;
  expect(followUp.lastUser).toBe("and where do I report phishing?");
  expect(JSON.stringify(followUp.messages)).toContain("Report phishing emails to security@example.com.");
}, 120_000);

test("hostile files get one clear refusal each and no model call; the user's next message is answered", async () => {
  const asked = chats().length;
  // A program dressed as a PDF: name and claimed type say PDF, the bytes say Windows executable.
  const fake = await exchange(8102, "please read my contract", { document: doc(EXE, "contract.pdf") }, 1);
  expect(fake).toHaveLength(1);
  expect(fake[0]!.visible).toContain(`can't use "contract.pdf"`);
  expect(fake[0]!.visible).toContain("application/x-msdownload");
  // Over media.max_document_mb (1 MB): refused by its declared size, before anything is downloaded.
  const big = new Uint8Array(1024 * 1024 + 4096);
  big.set(PDF.subarray(0, 1024));
  const huge = await exchange(8103, "summarise this", { document: doc(big, "annual-report.pdf") }, 1);
  expect(huge.map((r) => r.visible)).toEqual(['"annual-report.pdf" is too large: document files may be at most 1 MB.']);
  // A real PDF header over garbage: sniffed as a PDF, refused by the extractor with a sentence.
  const broken = new Uint8Array(4096).fill(0x41);
  broken.set(new TextEncoder().encode("%PDF-1.7\n"));
  const unreadable = await exchange(8104, "what does it say?", { document: doc(broken, "scan.pdf") }, 1);
  expect(unreadable).toHaveLength(1);
  expect(unreadable[0]!.visible).toStartWith(`I couldn't read "scan.pdf"`);
  expect(chats()).toHaveLength(asked);
  // Nothing is lost or stuck: the same users are answered by the model at once.
  for (const chat of [8102, 8103, 8104]) {
    const next = await exchange(chat, "where do I report phishing?", {}, 2);
    expect(next.at(-1)!.visible).toBe("To security@example.com.");
  }
  expect(chats()).toHaveLength(asked + 3);
}, 180_000);
