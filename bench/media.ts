/**
 * bench:media — what each WhatsApp media path costs in latency, from the compiled binary (issue 14).
 * `konstruct serve` answers the fake Cloud API (test/support/binary-whatsapp.ts); aimock plays the
 * model and the Whisper endpoint and answers at once, so the figures are the appliance's own work
 * (webhook → durable inbox → download by media id with the bearer token → sniffing → storage →
 * transcription call / image part → model call → send), not a provider's. Time is from the webhook
 * POST to the reply's arrival at the fake. Baseline: a text message in the same run, same binary;
 * rounds interleave text, photo and voice, each from a fresh user (so no rate limit applies).
 *
 * Env: BENCH_MEDIA_ROUNDS (20). Last stdout line: one JSON object.
 */
import { ensureBinary } from "../test/support/binary.ts";
import { NUMBER, startBinaryWhatsApp } from "../test/support/binary-whatsapp.ts";
import { oggOpusSilence } from "../test/support/ogg-opus.ts";
import { fail, percentile, printJsonLast, stats } from "./lib.ts";

const ROUNDS = Number(process.env.BENCH_MEDIA_ROUNDS ?? 20);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) fail("BENCH_MEDIA_ROUNDS must be a positive integer");
const PNG = Uint8Array.from(Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64"));
const VOICE = oggOpusSilence(3);
const open = { capacity: 100_000, refill_per_sec: 10_000 };

const b = await startBinaryWhatsApp(ensureBinary(), { limits: { tenant: open, connection: open, user: open } });
let user = 4915100100000;
const paths = {
  text: () => ({ type: "text", text: { body: "What is the hotel cap in Berlin?" } }),
  photo: () => ({ type: "image", image: { id: b.wa.addMedia(PNG, "image/png", NUMBER.token), mime_type: "image/png", caption: "what's on this receipt?" } }),
  voice: () => ({ type: "audio", audio: { id: b.wa.addMedia(VOICE, "audio/ogg; codecs=opus", NUMBER.token), mime_type: "audio/ogg; codecs=opus", voice: true } }),
};
type Path = keyof typeof paths;
const ms: Record<Path, number[]> = { text: [], photo: [], voice: [] };
try {
  b.llm.replyAll("The cap is 140 EUR a night.");
  b.llm.aimock.onTranscription({ transcription: { text: "What is the hotel cap in Berlin?" } });
  for (let round = -3; round < ROUNDS; round++) {
    for (const path of Object.keys(paths) as Path[]) {
      const { reply, ms: took } = await b.roundTrip(String(user++), paths[path]());
      if (reply.body.type !== "text") fail(`${path}: unexpected reply ${JSON.stringify(reply.body)}`);
      if (round >= 0) ms[path].push(took); // the first rounds warm the binary's lazy imports up
    }
  }
  const chats = b.llm.journal().filter((r) => r.path === "/v1/chat/completions");
  const images = chats.filter((r) => JSON.stringify(r.messages).includes('"image_url"')).length;
  if (images !== ROUNDS + 3) fail(`expected ${ROUNDS + 3} chat calls with an image part, saw ${images}`);
} finally {
  await b.stop();
}

const p90 = (xs: number[]) => Math.round(percentile(xs, 90) * 10) / 10;
const figure = (xs: number[]) => ({ ...stats(xs), p90: p90(xs) });
const base = percentile(ms.text, 50);
const out = {
  bench: "media",
  rounds: ROUNDS,
  text_ms: figure(ms.text),
  photo_ms: figure(ms.photo),
  voice_ms: figure(ms.voice),
  photo_vs_text: Math.round((percentile(ms.photo, 50) / base) * 100) / 100,
  voice_vs_text: Math.round((percentile(ms.voice, 50) / base) * 100) / 100,
};
for (const p of ["text", "photo", "voice"] as const) console.log(`${p.padEnd(5)} webhook → reply: median ${out[`${p}_ms`].median} ms, p90 ${out[`${p}_ms`].p90} ms`);
console.log(`photo ${out.photo_vs_text}× text, voice ${out.voice_vs_text}× text (medians)`);
printJsonLast(out);
process.exit(0);
