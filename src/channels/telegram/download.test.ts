/**
 * Telegram downloads over HTTP against the shimmed Bot API: a user's photo arrives as an attachment
 * through polling, and the adapter fetches its bytes with getFile + the file URL; limits refuse
 * before and during the download; another bot's token cannot fetch the file.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import pino from "pino";
import { loopbackOutbound } from "../../../test/support/outbound.ts";
import { startTelegramShim, type TelegramShim } from "../../../test/support/telegram.ts";
import type { ChannelDefinition, HttpAdapter } from "../port.ts";
import { admit } from "../../media/admit.ts";
import type { InboundMessage } from "../types.ts";
import { createTelegramAdapter } from "./adapter.ts";
import { nullCursor } from "../../../test/support/cursor.ts";

const log = pino({ level: "silent" });
const LIMITS = { image: 1024 * 1024, document: 1024 * 1024, audio: 1024 * 1024 };
// A real 1×1 PNG.
const PNG = Uint8Array.from(Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64"));
// The start of a Windows executable (MZ header), sent as "receipt.jpg".
const EXE = Uint8Array.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, ...new Array(112).fill(0)]);

describe("telegram download (against the emulator)", () => {
  let tg: TelegramShim;
  const adapters: HttpAdapter[] = [];
  const adapter = (token = tg.token) => {
    const def: ChannelDefinition = { tenantId: "t", channelId: "c", agentId: "a", kind: "telegram", name: "tg", mode: "polling", settings: { api_root: tg.apiRoot }, secrets: { bot_token: token } };
    const a = createTelegramAdapter(def, { log, cursor: nullCursor(), webhookUrl: "", fetch: loopbackOutbound().fetch });
    adapters.push(a);
    return a;
  };
  beforeEach(async () => void (tg = await startTelegramShim({ bots: [{ username: "KonstructBot" }, { username: "OtherBot" }] })));
  afterEach(async () => {
    await Promise.all(adapters.splice(0).map((a) => a.stop()));
    await tg.stop();
  });

  test("a photo sent by the user is fetched byte for byte and sniffed as an image", async () => {
    const received: InboundMessage[] = [];
    const a = adapter();
    await a.start(async (m) => void received.push(m));
    const f = tg.putFile(PNG);
    await tg.userSends(42, "", { extra: { caption: "my receipt", photo: [{ ...f, width: 1, height: 1 }] } as never });
    const deadline = Date.now() + 10_000;
    while (received.length === 0 && Date.now() < deadline) await Bun.sleep(20);
    const [att] = received[0]!.attachments;
    expect(att).toMatchObject({ ref: f.file_id, mime: "image/jpeg" });
    const { bytes } = await a.download!(att!, LIMITS.image);
    expect(Buffer.from(bytes).equals(Buffer.from(PNG))).toBe(true);
    // The channel claimed image/jpeg; the bytes say PNG, and that is what counts.
    expect(await admit("photo.jpg", bytes, LIMITS)).toEqual({ ok: true, kind: "image", mime: "image/png" });
  });

  test("an executable renamed .jpg is refused with a sentence for the user", async () => {
    const f = tg.putFile(EXE);
    const { bytes } = await adapter().download!({ name: "receipt.jpg", mime: "image/jpeg", ref: f.file_id }, LIMITS.image);
    const verdict = await admit("receipt.jpg", bytes, LIMITS);
    expect(verdict).toMatchObject({ ok: false, reason: "refused_type" });
    expect(verdict.ok ? "" : verdict.message).toContain("receipt.jpg");
  });

  test("oversize: refused from the declared size, from getFile's size, and never with the token in the error", async () => {
    const big = tg.putFile(new Uint8Array(64 * 1024).fill(65));
    const a = adapter();
    await expect(a.download!({ name: "a.txt", ref: big.file_id, size: big.file_size }, 1024)).rejects.toMatchObject({ code: "too_large" });
    // The channel did not declare a size: getFile's file_size still refuses it before the download.
    await expect(a.download!({ name: "a.txt", ref: big.file_id }, 1024)).rejects.toMatchObject({ code: "too_large" });
    const small = await a.download!({ name: "a.txt", ref: big.file_id }, 64 * 1024);
    expect(small.bytes.byteLength).toBe(64 * 1024);
  });

  test("another bot cannot fetch this bot's file", async () => {
    const f = tg.putFile(PNG);
    const err = await adapter(tg.bots[1]!.token).download!({ name: "p", ref: f.file_id }, LIMITS.image).catch((e) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).not.toContain(tg.bots[1]!.token);
  });
});
