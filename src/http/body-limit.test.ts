/**
 * Bodies are bounded before anything reads them, over a real socket against the listening app:
 * an anonymous 50 MB upload is refused from its headers while the client is still sending (the
 * server never grows), a chunked webhook body is cut off at 512 KB, a signed-in admin's upload gets
 * the configured size, too many files in one request are refused, and a decompression bomb ends as
 * a `failed` document with the reason while /healthz keeps answering.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { docxBomb } from "../../test/support/zip-bomb.ts";
import { type ConsoleFixture, consoleFixture } from "../../test/support/admin.ts";
import { eventually } from "../../test/support/app.ts";
import { EMBEDDINGS_CONFIG } from "../../test/support/models.ts";
import { rssMb } from "../knowledge/extract-child.ts";

const MB = 1024 * 1024;
const DOCX = new Uint8Array(await Bun.file(`${import.meta.dir}/../../test/fixtures/kb/onboarding.docx`).arrayBuffer());

/** Sends `head`, then `bodyBytes` in 64 KB pieces until the server answers or closes; the answer's status line. */
async function rawPost(port: number, head: string, bodyBytes: number, chunked = false): Promise<{ status: number; sent: number }> {
  let answer = "";
  let closed = false;
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      data: (_s, d) => void (answer += new TextDecoder().decode(d)),
      close: () => void (closed = true),
      error: () => void (closed = true),
    },
  });
  socket.write(head);
  const piece = Buffer.alloc(64 * 1024, 65);
  let sent = 0;
  while (sent < bodyBytes && !answer && !closed) {
    const framed = chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")]) : piece;
    let off = 0;
    while (off < framed.length && !answer && !closed) {
      const n = socket.write(framed.subarray(off));
      off += n;
      if (n === 0) await Bun.sleep(1);
    }
    sent += piece.length;
    await Bun.sleep(0);
  }
  for (let i = 0; i < 200 && !answer && !closed; i++) await Bun.sleep(10);
  socket.end();
  if (process.env.KTEST_DEBUG) console.log(answer.slice(0, 300));
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0), sent };
}

describe("request body limits", () => {
  let f: ConsoleFixture;
  let port: number;
  beforeAll(async () => {
    f = await consoleFixture("embedded", { ...EMBEDDINGS_CONFIG, server: { host: "127.0.0.1", port: 0 }, knowledge: { max_upload_total_mb: 8, max_files_per_upload: 2 } }, { listen: true });
    port = f.app().server!.port!;
  });
  afterAll(() => f.cleanup());
  const url = (p: string) => `http://127.0.0.1:${port}${p}`;

  test("an anonymous 50 MB upload is refused from its headers, before its body is read", async () => {
    const before = rssMb(process.pid)!;
    const r = await rawPost(port, `POST /api/v1/kb/acme/documents HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: ${50 * MB}\r\n\r\n`, 50 * MB);
    expect(r.status).toBe(413);
    expect(r.sent).toBeLessThan(10 * MB);
    expect(rssMb(process.pid)! - before).toBeLessThan(30);
  });

  test("a forged session cookie is not a signed-in caller", async () => {
    const r = await rawPost(port, `POST /kb/acme/partials/upload HTTP/1.1\r\nHost: localhost\r\nCookie: konstruct_session=forged\r\nContent-Length: ${5 * MB}\r\n\r\n`, 5 * MB);
    expect(r.status).toBe(413);
  });

  test("a chunked body (no declared length) is cut off at the route's limit while it streams", async () => {
    const r = await rawPost(port, `POST /login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n`, 8 * MB, true);
    expect(r.sent).toBeLessThan(4 * MB);
    expect([400, 413]).toContain(r.status);
  });

  test("a console form is limited to 256 KB; a webhook may carry more", async () => {
    const big = "x".repeat(300 * 1024);
    expect((await fetch(url("/login"), { method: "POST", body: big, headers: { "content-type": "application/x-www-form-urlencoded" } })).status).toBe(413);
    const hook = await fetch(url("/hooks/slack/00000000-0000-4000-8000-000000000000"), { method: "POST", body: big });
    expect(hook.status).not.toBe(413);
  });

  test("a skill upload is bounded at 2 MB (+ framing) even for a signed-in admin, whatever the KB allows", async () => {
    const auth = { authorization: `Bearer ${f.tokens.tenantAdmin}` };
    const form = new FormData();
    form.append("zip", new Blob([new Uint8Array(5 * MB)]), "skill.zip");
    expect((await fetch(url("/admin/skills/upload"), { method: "POST", body: form, headers: auth })).status).toBe(413);
  });

  test("a signed-in admin uploads up to the configured total; more files than allowed are refused", async () => {
    const auth = { authorization: `Bearer ${f.tokens.tenantAdmin}` };
    const one = new FormData();
    one.append("file", new Blob([`# Big\n\n${"All staff read this paragraph. ".repeat(40_000)}`]), "big.md");
    const ok = await fetch(url("/api/v1/kb/acme/documents"), { method: "POST", body: one, headers: auth });
    expect(ok.status).toBe(201);
    const over = new FormData();
    over.append("file", new Blob([new Uint8Array(9 * MB).fill(65)]), "over.md");
    expect((await fetch(url("/api/v1/kb/acme/documents"), { method: "POST", body: over, headers: auth })).status).toBe(413);
    const three = new FormData();
    for (const n of ["a", "b", "c"]) three.append("file", new Blob([`# ${n}\n\nText ${n}.`]), `${n}.md`);
    const res = await fetch(url("/api/v1/kb/acme/documents"), { method: "POST", body: three, headers: auth });
    expect([res.status, ((await res.json()) as { error: { message: string } }).error.message]).toEqual([413, "at most 2 files per upload (got 3)"]);
  });

  test("a decompression bomb ends failed with the reason; /healthz answers throughout", async () => {
    const bomb = await docxBomb(DOCX, { inflatedMb: 1500 });
    const form = new FormData();
    form.append("file", new Blob([bomb]), "bomb.docx");
    const latencies: number[] = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const t0 = performance.now();
        expect((await fetch(url("/healthz"))).status).toBe(200);
        latencies.push(performance.now() - t0);
        await Bun.sleep(20);
      }
    })();
    // The previous test's big.md is embedded in the background, loading the model into this process
    // (~150 MB): on a loaded machine that lands in this window and would be counted as the bomb's.
    const auth = { authorization: `Bearer ${f.tokens.tenantAdmin}` };
    // Once the model is in (a first vector written), the rest of that document is not this test's
    // business: it is deleted, which also ends its embedding (the job finds nothing left to embed).
    const docs = async () => ((await (await fetch(url("/api/v1/kb/acme/documents"), { headers: auth })).json()) as { documents: { id: string; status: string; progress: number }[] }).documents;
    const done = (d: { status: string }) => d.status === "ready" || d.status === "failed";
    await eventually(async () => (await docs()).every((d) => done(d) || d.progress > 0), 120_000, "the model loaded by earlier uploads");
    for (const d of await docs()) if (!done(d)) expect((await fetch(url(`/api/v1/kb/acme/documents/${d.id}`), { method: "DELETE", headers: auth })).status).toBeLessThan(300);
    await Bun.sleep(500); // an embedding batch already in the worker finishes (and writes to no row)
    const before = rssMb(process.pid)!;
    const res = await fetch(url("/api/v1/kb/acme/documents"), { method: "POST", body: form, headers: auth });
    polling = false;
    await poll;
    expect(res.status).toBe(422);
    const { documents } = (await res.json()) as { documents: { status: string; error: string }[] };
    expect(documents[0]).toMatchObject({ status: "failed", error: "'bomb.docx' was refused: it would unpack to 1500 MB (at most 64 MB)" });
    expect(rssMb(process.pid)! - before).toBeLessThan(100);
    // Latency under a loaded test machine is the benchmark's to judge (bench:hostile); here it must stay answering.
    console.log(`healthz during the bomb: ${latencies.length} polls, max ${Math.round(Math.max(...latencies))} ms`);
    expect(latencies.length).toBeGreaterThan(0);
  }, 180_000);
});
