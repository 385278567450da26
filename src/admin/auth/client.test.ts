import { describe, expect, test } from "bun:test";
import { validate } from "../../config/load.ts";
import { clientInfo } from "./client.ts";

const req = (headers: Record<string, string>) => new Request("http://localhost/login", { headers });
const fwd = { "x-forwarded-for": "203.0.113.7, 10.0.0.1", "x-forwarded-proto": "https" };

describe("clientInfo", () => {
  test("forwarded headers count only from a trusted proxy", () => {
    const trusting = validate({ server: { trusted_proxies: ["10.0.0.2", "::1"] } });
    expect(clientInfo(trusting, req(fwd), "10.0.0.2")).toEqual({ ip: "203.0.113.7", https: true });
    expect(clientInfo(trusting, req(fwd), "::ffff:10.0.0.2")).toEqual({ ip: "203.0.113.7", https: true });
    expect(clientInfo(trusting, req(fwd), "198.51.100.1")).toEqual({ ip: "198.51.100.1", https: false });
    expect(clientInfo(validate({}), req(fwd), "10.0.0.2")).toEqual({ ip: "10.0.0.2", https: false });
    expect(clientInfo(validate({}), req({}), null)).toEqual({ ip: "unknown", https: false });
  });

  test("server.trusted_proxies must be IP addresses", () => {
    expect(() => validate({ server: { trusted_proxies: ["proxy.local"] } })).toThrow(/server\.trusted_proxies\[0\]/);
  });
});
