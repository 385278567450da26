/** Bounded reads over real HTTP: a lying or absent Content-Length cannot make us buffer past the limit. */
import { afterAll, expect, test } from "bun:test";

import { readBounded } from "./read-bounded.ts";

const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch(req) {
    const n = Number(new URL(req.url).searchParams.get("n"));
    const declared = new URL(req.url).searchParams.get("declare");
    // Chunked (no Content-Length) unless `declare` is given.
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < n; i += 1024) c.enqueue(new Uint8Array(Math.min(1024, n - i)).fill(66));
        c.close();
      },
    });
    return new Response(body, declared ? { headers: { "content-length": declared } } : {});
  },
});
afterAll(() => server.stop(true));
const url = (q: string) => `http://127.0.0.1:${server.port}/?${q}`;

test("within the limit: every byte", async () => {
  expect((await readBounded(await fetch(url("n=5000")), 5000)).byteLength).toBe(5000);
});

test("a chunked body past the limit is cut off as too_large", async () => {
  await expect(readBounded(await fetch(url("n=50000")), 4096)).rejects.toMatchObject({ code: "too_large" });
});

test("a declared length past the limit is refused before reading", async () => {
  await expect(readBounded(await fetch(url("n=8192&declare=8192")), 4096)).rejects.toMatchObject({ code: "too_large" });
});
