import { describe, expect, test } from "bun:test";
import { validate } from "../../config/load.ts";
import { clientInfo } from "./client.ts";

const req = (headers: Record<string, string>) => new Request("http://localhost/login", { headers });
// The client wrote the first hop itself; 10.0.0.3 is a second proxy of ours in front of 10.0.0.2.
const fwd = { "x-forwarded-for": "198.51.100.66, 203.0.113.7, 10.0.0.3", "x-forwarded-proto": "https" };

describe("clientInfo", () => {
  test("forwarded headers count only from a trusted proxy", () => {
    const trusting = validate({ server: { trusted_proxies: ["10.0.0.2", "10.0.0.3", "::1"] } });
    expect(clientInfo(trusting, req(fwd), "10.0.0.2")).toEqual({ ip: "203.0.113.7", https: true });
    expect(clientInfo(trusting, req(fwd), "::ffff:10.0.0.2")).toEqual({ ip: "203.0.113.7", https: true });
    expect(clientInfo(trusting, req(fwd), "198.51.100.1")).toEqual({ ip: "198.51.100.1", https: false });
    expect(clientInfo(validate({}), req(fwd), "10.0.0.2")).toEqual({ ip: "10.0.0.2", https: false });
    expect(clientInfo(validate({}), req({}), null)).toEqual({ ip: "unknown", https: false });
  });

  test("a client cannot pick its IP by writing X-Forwarded-For itself", () => {
    const trusting = validate({ server: { trusted_proxies: ["10.0.0.2"] } });
    expect(clientInfo(trusting, req({ "x-forwarded-for": "1.1.1.1, 203.0.113.7" }), "10.0.0.2").ip).toBe("203.0.113.7");
    expect(clientInfo(trusting, req({ "x-forwarded-for": "203.0.113.7" }), "10.0.0.2").ip).toBe("203.0.113.7");
    expect(clientInfo(trusting, req({}), "10.0.0.2").ip).toBe("10.0.0.2");
  });

  test("server.trusted_proxies must be IP addresses", () => {
    expect(() => validate({ server: { trusted_proxies: ["proxy.local"] } })).toThrow(/server\.trusted_proxies\[0\]/);
  });
});
