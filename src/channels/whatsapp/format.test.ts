import { describe, expect, test } from "bun:test";
import { markdownToWhatsApp } from "./format.ts";

describe("markdownToWhatsApp", () => {
  test("bold, italic, strike and headings", () => {
    expect(markdownToWhatsApp("**bold** and *it* and ~~gone~~")).toBe("*bold* and _it_ and ~gone~");
    expect(markdownToWhatsApp("__b__ _i_")).toBe("*b* _i_");
    expect(markdownToWhatsApp("## Title\ntext")).toBe("*Title*\ntext");
  });
  test("code is left verbatim, links spelled out, bullets", () => {
    expect(markdownToWhatsApp("```\n**x**\n```")).toBe("```\n**x**\n```");
    expect(markdownToWhatsApp("use `**a**` now")).toBe("use `**a**` now");
    expect(markdownToWhatsApp("[docs](https://x.io)")).toBe("docs (https://x.io)");
    expect(markdownToWhatsApp("- one\n* two")).toBe("• one\n• two");
  });
});
