/**
 * Transcription is budget usage, on the embedded database with two tenants: every call to the
 * Whisper endpoint is a usage row (llm_calls + the usage_daily rollup the caps are checked against)
 * and an llm_call audit entry, priced at `llm.prices["<provider>/<model>"]` per million seconds of
 * audio (the endpoint's own `usage` when it reports one, else the Ogg stream's length). An agent whose
 * budget cannot pay for a voice note makes no call and tells the user why; the other tenant is untouched.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { auditLog, llmCalls, usageDaily } from "../../src/db/schema/index.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { oggOpusSilence } from "../support/ogg-opus.ts";
import { startTelegramShim, type TelegramShim } from "../support/telegram.ts";


describe("transcription as budget usage (embedded, two tenants)", () => {
  let llm: LlmMock;
  let tg: TelegramShim;
  let t: TestApp;

  beforeAll(async () => {
    llm = await startLlmMock();
    tg = await startTelegramShim({ bots: [{ username: "AcmeBot" }, { username: "GlobexBot" }] });
    const channel = (name: string, token: string) => ({ kind: "telegram" as const, name, bot_token: token, api_root: tg.apiRoot });
    t = await startTestApp("embedded", {
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }], prices: { "mock/whisper-1": { input_per_mtok: 100, output_per_mtok: 0 } } }, // $0.006 a minute, as OpenAI bills whisper-1
      media: { transcription: { provider: "mock", model: "whisper-1" } },
      tenants: [
        { slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], budget: { daily_usd: "1" }, channels: [channel("tg", tg.bots[0]!.token)] }] },
        // Room for one 3-second note ($0.0003) and not a second.
        { slug: "globex", name: "Globex", agents: [{ slug: "gus", name: "Gus", models: ["mock/m"], budget: { daily_usd: "0.0005" }, channels: [channel("tg", tg.bots[1]!.token)] }] },
      ],
    });
  }, 120_000);
  afterAll(async () => {
    await t.cleanup();
    await tg.stop();
    await llm.stop();
  });

  const send = async (chat: number, bot: number, seconds: number) => {
    const token = tg.bots[bot]!.token;
    await tg.userSends(chat, "", { token, extra: { voice: { ...tg.putFile(oggOpusSilence(seconds), token), duration: seconds, mime_type: "audio/ogg" } } as never });
    return (await tg.waitForReplies(chat, 1, { token, timeoutMs: 20_000 }))[0]!.visible;
  };
  const rows = async (slug: string) => {
    const { tenantId } = await t.channel(slug, "tg");
    return t.app.db.withTenant(tenantId, async (tx) => ({
      calls: await tx.select().from(llmCalls).where(eq(llmCalls.model, "whisper-1")),
      daily: await tx.select().from(usageDaily).where(eq(usageDaily.model, "whisper-1")),
      audits: await tx.select().from(auditLog).where(and(eq(auditLog.kind, "llm_call"))),
      stops: await tx.select().from(auditLog).where(eq(auditLog.kind, "budget_stop")),
    }));
  };

  test("a transcription is a priced usage row in its conversation, audited; the endpoint's own usage wins", async () => {
    llm.replyAll("Noted.");
    llm.aimock.onTranscription({ transcription: { text: "Book the train to Bergen." } });
    expect(await send(5001, 0, 7)).toBe("Noted.");
    await llm.reset();
    llm.replyAll("Noted.");
    // whisper-1 at OpenAI reports {type: "duration", seconds}: that, not our reading of the file, is billed.
    llm.aimock.onTranscription({ transcription: { text: "And a hotel.", usage: { type: "duration", seconds: 11.2 } } } as never);
    expect(await send(5002, 0, 2)).toBe("Noted.");
    const acme = await rows("acme");
    expect(acme.calls.map((c) => [c.ok, c.promptTokens, Number(c.costUsd)]).sort()).toEqual([
      [true, 12, 0.0012],
      [true, 7, 0.0007],
    ]);
    expect(acme.calls.every((c) => c.conversationId !== null)).toBe(true);
    expect(acme.daily.map((d) => [d.calls, d.promptTokens, Number(d.costUsd)])).toEqual([[2, 19, 0.0019]]);
    expect(acme.audits.filter((a) => a.summary === "mock/whisper-1 ok")).toHaveLength(2);
    // The other tenant sees none of it.
    expect((await rows("globex")).calls).toEqual([]);
  });

  test("over budget: no transcription call, a plain reason, a budget stop audited; the first note still fit", async () => {
    await llm.reset();
    llm.replyAll("Done.");
    llm.aimock.onTranscription({ transcription: { text: "Cancel my meeting." } });
    expect(await send(6001, 1, 3)).toBe("Done.");
    expect(await send(6002, 1, 3)).toBe(
      `I can't listen to "voice.ogg" right now: my daily budget of $0.0005 has $0.0002 left, not enough for this voice note. An administrator can raise the budget.`,
    );
    // One transcription and one model call: the second note reached neither.
    expect(llm.journal().map((r) => r.path)).toEqual(["/v1/audio/transcriptions", "/v1/chat/completions"]);
    const globex = await rows("globex");
    expect(globex.calls.map((c) => [c.promptTokens, Number(c.costUsd)])).toEqual([[3, 0.0003]]);
    expect(globex.stops.map((s) => s.summary)).toEqual(["voice note not transcribed: daily budget of $0.0005 has $0.0002 left, not enough for this voice note"]);
    // Acme, with room, still transcribes.
    expect(await send(5003, 0, 1)).toBe("Done.");
    expect((await rows("acme")).stops).toEqual([]);
  });

  test("a failed transcription is a usage row at zero, recorded with the refusal", async () => {
    await llm.reset();
    llm.aimock.prependFixture({ match: { endpoint: "transcription" }, response: { status: 500, error: { message: "decoder crashed", type: "server_error" } } });
    expect(await send(5004, 0, 1)).toBe(`I couldn't transcribe "voice.ogg" just now. Please try again, or type your message.`);
    const failed = (await rows("acme")).calls.filter((c) => !c.ok);
    expect(failed.map((c) => [c.promptTokens, Number(c.costUsd), c.conversationId])).toEqual([[0, 0, null]]);
  });
});
