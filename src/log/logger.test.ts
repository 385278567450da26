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

test("credential query parameters are redacted in URLs, in config trees and in free text", () => {
  expect(redactUrl("https://api.example/v1/models?key=AIzaSECRET&alt=json")).toBe("https://api.example/v1/models?alt=json&key=[redacted]");
  expect(redactUrl("https://h/x?api_key=s1&token=s2&Password=s3&page=2")).not.toMatch(/s1|s2|s3/);
  expect(redactUrl("https://h/x?page=2&q=key")).toBe("https://h/x?page=2&q=key");
  // Unparseable: the textual fallback still hides the value.
  expect(redactUrl("http://[bad/x?access_token=s4&a=1")).toBe("http://[bad/x?access_token=[redacted]&a=1");
  const tree = redactTree({ llm: { providers: [{ base_url: "https://gw.example/v1?api_key=sk-q" }] }, mcp: { servers: [{ endpoint: "https://m/?token=t-q" }] } });
  expect(JSON.stringify(tree)).not.toMatch(/sk-q|t-q/);
});

test("URLs with credentials in log messages, string fields and errors are redacted", () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
  const log = createLogger("info", sink);
  log.warn("GET https://api.example/v1?key=MSG-SECRET failed");
  log.info({ url: "https://h/hook?token=FIELD-SECRET", peer: "postgres://u:PGPW@h/d" }, "called");
  log.error({ err: new Error("fetch https://h/x?api_key=ERR-SECRET: 500") }, "provider failed");
  const out = lines.join("");
  for (const secret of ["MSG-SECRET", "FIELD-SECRET", "PGPW", "ERR-SECRET"]) expect(out).not.toContain(secret);
  expect(out).toContain("https://api.example/v1?key=[redacted] failed");
  expect(JSON.parse(lines[2]!).err.message).toBe("fetch https://h/x?api_key=[redacted]: 500");
});
