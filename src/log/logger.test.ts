import { expect, test } from "bun:test";
import { Writable } from "node:stream";
import { createLogger } from "./logger.ts";
import { redactTree, redactUrl } from "./redact.ts";

test("secrets never reach the log stream, at any depth we log objects", () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
  const log = createLogger("info", sink);
  log.info({ bot_token: "123:TELEGRAM", channel: { signing_secret: "SIGN", api_url: "https://x" }, headers: { authorization: "Bearer PAT" } }, "connected");
  log.info({ provider: { config: { api_key: "sk-DEEP" } } }, "provider");
  const out = lines.join("");
  for (const secret of ["123:TELEGRAM", "SIGN", "Bearer PAT", "sk-DEEP"]) expect(out).not.toContain(secret);
  expect(out).toContain("[redacted]");
  expect(out).toContain("https://x");
  expect(JSON.parse(lines[0]!)).toMatchObject({ level: "info", service: "konstruct", msg: "connected" });
});

test("redactTree masks secret keys and URL passwords only", () => {
  expect(
    redactTree({ database: { url: "postgres://u:pw@h:5432/d" }, tenants: [{ name: "A", agents: [{ channels: [{ bot_token: "t", api_root: "https://api" }] }] }] }),
  ).toEqual({ database: { url: "postgres://u:[redacted]@h:5432/d" }, tenants: [{ name: "A", agents: [{ channels: [{ bot_token: "[redacted]", api_root: "https://api" }] }] }] });
  expect(redactUrl("redis://127.0.0.1:6379")).toBe("redis://127.0.0.1:6379");
});
