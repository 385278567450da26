/**
 * Slack downloads over HTTP against the `emulate` emulator: a file the human really uploaded
 * (getUploadURLExternal → upload → completeUploadExternal) is fetched through files.info and
 * url_private_download with the bot token; size limits hold; the token never goes to a foreign host.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { capturingContext, type SlackWorkspace, slackDefinition, startSlackWorkspace, uploadFile } from "../../../test/support/slack.ts";
import { admit } from "../../media/admit.ts";
import { createSlackAdapter, type SlackAdapter } from "./adapter.ts";
import { downloadSlackFile } from "./download.ts";

let ws: SlackWorkspace;
let adapter: SlackAdapter;

const upload = (bytes: Uint8Array, filename: string) => uploadFile(ws, bytes, filename);

beforeAll(async () => {
  ws = await startSlackWorkspace({ teamId: "T0FILES" });
  adapter = createSlackAdapter(slackDefinition(ws), capturingContext().ctx);
  await adapter.start(async () => {});
});
afterAll(async () => {
  await adapter.stop();
  await ws.stop();
});

test("a text file the user uploaded comes back byte for byte and is a document", async () => {
  const text = new TextEncoder().encode("Invoice 4711: the parking fee is 23 euros.\n");
  const id = await upload(text, "invoice.txt");
  const { bytes } = await adapter.download!({ name: "invoice.txt", ref: id }, 1024 * 1024);
  expect(new TextDecoder().decode(bytes)).toBe("Invoice 4711: the parking fee is 23 euros.\n");
  expect(await admit("invoice.txt", bytes, { image: 1, document: 1024, audio: 1 })).toMatchObject({ ok: true, kind: "document", mime: "text/plain" });
});

test("a file above maxBytes is refused as too_large, from files.info's size", async () => {
  const id = await upload(new Uint8Array(20_000).fill(97), "big.txt");
  await expect(adapter.download!({ name: "big.txt", ref: id }, 10_000)).rejects.toMatchObject({ code: "too_large" });
});

test("an unknown file id is a clean error without the token", async () => {
  const err = (await adapter.download!({ name: "x", ref: "F_NOPE" }, 1000).catch((e) => e)) as Error;
  expect(err.message).toContain("file_not_found");
  expect(err.message).not.toContain(ws.bot.token);
});

test("url_private needs the bot token: without it the file host answers 401", async () => {
  const id = await upload(new TextEncoder().encode("secret memo"), "memo.txt");
  const info = (await ws.api("files.info", { file: id }, "bot")) as { file: { url_private_download: string } };
  expect(new URL(info.file.url_private_download).origin).toBe(new URL(ws.url).origin);
  expect((await fetch(info.file.url_private_download)).status).toBe(401);
});

test("a files.info answer naming a foreign host gets no token: refused before any request", async () => {
  let fetched = false;
  const web = { files: { info: async () => ({ ok: true, file: { size: 10, url_private_download: "https://collector.example/steal" } }) } };
  const run = downloadSlackFile({ web: web as never, token: ws.bot.token, apiUrl: ws.apiUrl, fetch: (async () => ((fetched = true), new Response("x"))) as never }, { name: "a", ref: "F1" }, 1000);
  await expect(run).rejects.toMatchObject({ code: "forbidden" });
  expect(fetched).toBe(false);
});
