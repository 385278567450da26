import { expect, test } from "bun:test";
import { csvField, toCsv } from "./csv.ts";

test("RFC 4180: quotes fields with separators, doubles quotes, CRLF rows", () => {
  expect(toCsv(["a", "b"], [["x,y", 'say "hi"'], ["line\nbreak", null]])).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",\r\n');
});

test("formula-looking values are defused, dates are ISO, objects JSON", () => {
  expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
  expect(csvField(new Date("2026-01-02T03:04:05Z"))).toBe("2026-01-02T03:04:05.000Z");
  expect(csvField({ a: 1 })).toBe('"{""a"":1}"');
});
