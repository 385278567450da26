/**
 * Voice notes end to end on both databases: a Telegram voice note (a real Ogg Opus file) is
 * downloaded, sent to the configured provider's Whisper-compatible endpoint — aimock's
 * `/v1/audio/transcriptions`, multipart — and the transcript is what the model reads and what the
 * conversation records as the user's message (the console's transcript page shows it). A failing endpoint is answered plainly, no model call.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, like } from "drizzle-orm";
import { messages } from "../../src/db/schema/index.ts";
import { tenantAdmins } from "../support/admin.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { oggOpusSilence } from "../support/ogg-opus.ts";
import { startTelegramShim, type TelegramShim } from "../support/telegram.ts";

const SAID = "What is the hotel cap for a night in Berlin?";

describe.each(DB_KINDS)("voice notes over Telegram on %s Postgres", (kind) => {
  let llm: LlmMock;
  let tg: TelegramShim;
  let t: TestApp;

  beforeAll(async () => {
    llm = await startLlmMock();
    tg = await startTelegramShim({ bots: [{ username: "VoiceBot" }] });
    t = await startTestApp(kind, {
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }] },
      media: { transcription: { provider: "mock", model: "whisper-1" } },
      tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], channels: [{ kind: "telegram", name: "tg", bot_token: tg.token, api_root: tg.apiRoot }] }] }],
    });
  });
  afterAll(async () => {
    await t.cleanup();
    await tg.stop();
    await llm.stop();
  });

  const voice = () => ({ ...tg.putFile(oggOpusSilence(1)), duration: 1, mime_type: "audio/ogg" });

  test("the transcript reaches the model and is the user's message in the conversation", async () => {
    llm.replyAll("140 EUR a night.");
    llm.aimock.onTranscription({ transcription: { text: SAID } });
    await tg.userSends(3001, "", { extra: { voice: voice() } as never });
    const [reply] = await tg.waitForReplies(3001, 1, { timeoutMs: 20_000 });
    expect(reply!.visible).toBe("140 EUR a night.");
    const [heard, chat] = llm.journal();
    expect(heard).toMatchObject({ path: "/v1/audio/transcriptions", status: 200 });
    expect(llm.aimock.getRequests()[0]!.body).toMatchObject({ model: "whisper-1" });
    expect(String(llm.aimock.getRequests()[0]!.headers["content-type"])).toStartWith("multipart/form-data");
    expect(chat!.path).toBe("/v1/chat/completions");
    expect(chat!.lastUser).toBe(`[voice note "voice.ogg", transcribed]\n${SAID}`);
    const { tenantId } = await t.channel("acme", "tg");
    const rows = await t.app.db.withTenant(tenantId, (tx) => tx.select().from(messages).where(and(eq(messages.role, "user"), like(messages.content, "%hotel cap%"))));
    expect(rows.map((r) => r.content)).toEqual([chat!.lastUser!]);
    // The console's transcript page shows what was said.
    const { acme } = await tenantAdmins(() => t.app, ["acme"]);
    const page = await (await acme.browser()).fetch(`/admin/conversations/${rows[0]!.conversationId}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(SAID);
    expect(html).toContain("[voice note &quot;voice.ogg&quot;, transcribed]");
  });

  test("a failing transcription endpoint gets a plain answer, and the model is not called", async () => {
    await llm.reset();
    llm.replyAll("should not be asked");
    llm.aimock.prependFixture({ match: { endpoint: "transcription" }, response: { status: 500, error: { message: "decoder crashed", type: "server_error" } } });
    await tg.userSends(3002, "", { extra: { voice: voice() } as never });
    const [reply] = await tg.waitForReplies(3002, 1, { timeoutMs: 20_000 });
    expect(reply!.visible).toBe(`I couldn't transcribe "voice.ogg" just now. Please try again, or type your message.`);
    expect(llm.journal().map((r) => r.path)).toEqual(["/v1/audio/transcriptions"]);
  });
});
