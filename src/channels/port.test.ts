/**
 * networkDoubt against real fetch failures on loopback: what a send can conclude about a request
 * that failed — never sent (no doubt), connection lost after it was written, or no answer in time.
 */
import { expect, test } from "bun:test";
import { startDropper } from "../../test/support/dropper.ts";
import { networkDoubt } from "./port.ts";

const failure = (p: Promise<unknown>) => p.then(() => expect.unreachable("the request succeeded"), (e: unknown) => e);

test("a connection never made (refused, name not resolved) leaves no doubt", async () => {
  const closed = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const url = `http://127.0.0.1:${closed.port}/bot/sendMessage`;
  await closed.stop(true);
  expect(networkDoubt(await failure(fetch(url, { method: "POST", body: "{}" })))).toBeUndefined();
  expect(networkDoubt(await failure(fetch("http://konstruct-test.invalid/", { method: "POST", body: "{}" })))).toBeUndefined();
});

test("the connection lost after the whole request was written: `lost`", async () => {
  const dropper = startDropper();
  try {
    const e = await failure(fetch(`${dropper.url}/bot/sendMessage`, { method: "POST", body: '{"text":"hi"}' }));
    expect(dropper.requests).toHaveLength(1);
    expect(networkDoubt(e)).toBe("lost");
    // Wrapped the way SDKs wrap it (grammY's HttpError.error, the Slack client's .original, a cause).
    expect(networkDoubt({ message: "Network request for 'sendMessage' failed!", error: e })).toBe("lost");
  } finally {
    dropper.stop();
  }
});

test("no answer in time: `timeout`, also through an SDK's wrapper", async () => {
  const silent = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  try {
    const e = await failure(fetch(`http://127.0.0.1:${silent.port}/bot/sendMessage`, { method: "POST", body: "{}", signal: AbortSignal.timeout(150) }));
    expect(networkDoubt(e)).toBe("timeout");
    // grammY rejects with its own Error when its timer fires, wrapped in HttpError.
    expect(networkDoubt({ message: "Network request for 'sendMessage' failed!", error: new Error("Request to 'sendMessage' timed out after 500 seconds") })).toBe("timeout");
  } finally {
    silent.stop(true);
  }
});
