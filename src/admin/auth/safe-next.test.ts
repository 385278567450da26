import { expect, test } from "bun:test";
import { safeNext } from "./safe-next.ts";

const KEPT = ["/admin", "/admin/users", "/admin/conversations?page=2&q=a%20b", "/admin/x#frag", "/admin/a:b"];

const REFUSED: [string, unknown][] = [
  ["empty", ""],
  ["missing", undefined],
  ["an array (repeated key)", ["/admin", "//evil.example"]],
  ["relative", "admin"],
  ["protocol-relative", "//evil.example"],
  ["scheme", "https://evil.example"],
  ["javascript scheme", "javascript:alert(1)"],
  ["scheme behind a slash", "/https://evil.example"],
  ["slash backslash", "/\\evil.example"],
  ["backslash anywhere", "/admin\\..\\\\evil.example"],
  ["tab", "/\t/evil.example"],
  ["CR/LF (header injection)", "/admin\r\nSet-Cookie: x=1"],
  ["LF", "/admin\nx"],
  ["NUL", "/admin\u0000"],
  ["DEL", "/admin\u007f"],
  ["line separator", "/admin\u2028"],
  ["encoded slash", "/%2F%2Fevil.example"],
  ["encoded slash, mixed case", "/%2f/evil.example"],
  ["encoded backslash", "/%5Cevil.example"],
  ["encoded tab", "/%09/evil.example"],
  ["encoded newline", "/admin%0d%0aSet-Cookie:%20x=1"],
  ["encoded scheme", "/https%3A//evil.example"],
  ["broken encoding", "/admin%E0%A4%A"],
  ["too long", `/${"a".repeat(5000)}`],
];

test("safeNext keeps same-origin paths", () => {
  for (const p of KEPT) expect(safeNext(p)).toBe(p);
});

test.each(REFUSED)("safeNext refuses %s", (_name, next) => {
  expect(safeNext(next)).toBe("/admin");
});
