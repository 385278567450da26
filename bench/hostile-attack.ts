/**
 * The attackers of bench:hostile, in a process of their own (job in env BENCH_ATTACK): a signed-in
 * admin uploads `uploads` 20 MB HTML pages and a DOCX decompression bomb while `anon` anonymous
 * clients each start a 50 MB upload. Last line: { anonStatus, uploadStatus, resets }.
 */
import { join } from "node:path";
import { docxBomb } from "../test/support/zip-bomb.ts";
import { fail } from "./lib.ts";

const job = JSON.parse(process.env.BENCH_ATTACK ?? "null") as { base: string; port: number; cookie: string; csrf: string; uploads: number; anon: number } | null;
if (!job) fail("BENCH_ATTACK is not set");
const { base, port, cookie, csrf } = job;
const MB = 1024 * 1024;
let resets = 0;

/** A 20 MB HTML page: ~300 KB of prose (unique per upload) and 19 MB of inline script. */
function bigHtml(k: number): Uint8Array {
  const prose = Array.from({ length: 400 }, (_, s) => `<h2>Section ${k}.${s}</h2><p>${`Upload ${k} section ${s} explains the travel policy, the expense rules and the approval steps in plain words. `.repeat(6)}</p>`).join("\n");
  const script = `<script>var blob = "${"x".repeat(20 * MB - prose.length - 200)}";</script>`;
  return new TextEncoder().encode(`<html><head><title>Big ${k}</title></head><body>${prose}${script}</body></html>`);
}
async function upload(name: string, bytes: Uint8Array): Promise<number> {
  const form = new FormData();
  form.append("file", new Blob([bytes]), name);
  const post = () => fetch(`${base}/api/v1/kb/bench/documents`, { method: "POST", body: form, headers: { cookie, "x-csrf-token": csrf }, redirect: "manual" });
  const res = await post().catch(() => (resets++, post())).catch((e) => fail(`upload ${name}: ${e.message}`));
  await res.arrayBuffer();
  return res.status;
}
/** An anonymous client announcing 50 MB and sending until the server answers; its status. */
async function anonymousPost(): Promise<number> {
  let answer = "";
  let closed = false;
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: { data: (_s, d) => void (answer += new TextDecoder().decode(d)), close: () => void (closed = true), error: () => void (closed = true) },
  });
  socket.write(`POST /api/v1/kb/bench/documents HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: ${50 * MB}\r\n\r\n`);
  const piece = Buffer.alloc(64 * 1024, 65);
  for (let sentBytes = 0; sentBytes < 50 * MB && !answer && !closed; sentBytes += piece.length) {
    socket.write(piece);
    await Bun.sleep(1);
  }
  for (let i = 0; i < 500 && !answer && !closed; i++) await Bun.sleep(10);
  socket.end();
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
}

const bombBytes = await docxBomb(new Uint8Array(await Bun.file(join(import.meta.dir, "../test/fixtures/kb/onboarding.docx")).arrayBuffer()), { inflatedMb: 1500 });
const pages = Array.from({ length: job.uploads }, (_, k) => bigHtml(k));
const [anonStatus, uploadStatus] = await Promise.all([
  Promise.all(Array.from({ length: job.anon }, () => anonymousPost())),
  Promise.all([upload("bomb.docx", bombBytes), ...pages.map((p, k) => upload(`big-${k}.html`, p))]),
]);
console.log(JSON.stringify({ anonStatus, uploadStatus, resets }));
