import { describe, expect, test } from "bun:test";
import { issueVisitor, newVisitorKey, verifyVisitor } from "./token.ts";

const W1 = "11111111-1111-4111-8111-111111111111";
const W2 = "22222222-2222-4222-8222-222222222222";

describe("visitor tokens", () => {
  test("a token proves its visitor for its widget only", () => {
    const key = newVisitorKey();
    const { visitorId, token } = issueVisitor(key, W1);
    expect(verifyVisitor(key, W1, token)).toBe(visitorId);
    expect(verifyVisitor(key, W2, token)).toBeNull();
    expect(verifyVisitor(newVisitorKey(), W1, token)).toBeNull();
  });

  test("a visitor id with another visitor's signature, a bare id, junk and an empty key are refused", () => {
    const key = newVisitorKey();
    const a = issueVisitor(key, W1);
    const b = issueVisitor(key, W1);
    expect(a.visitorId).not.toBe(b.visitorId);
    expect(verifyVisitor(key, W1, `${b.visitorId}.${a.token.split(".")[1]}`)).toBeNull();
    for (const bad of [b.visitorId, `${b.visitorId}.`, `${a.token}.x`, "x".repeat(500), 42, null, ""]) expect(verifyVisitor(key, W1, bad)).toBeNull();
    expect(verifyVisitor("", W1, a.token)).toBeNull();
  });
});
