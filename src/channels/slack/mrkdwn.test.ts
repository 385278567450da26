import { describe, expect, test } from "bun:test";
import { toMrkdwn } from "./mrkdwn.ts";

describe("markdown → Slack mrkdwn", () => {
  test("bold, italics and strikethrough", () => {
    expect(toMrkdwn("**bold** and __also bold__")).toBe("*bold* and *also bold*");
    expect(toMrkdwn("*italic* and _italic_")).toBe("_italic_ and _italic_");
    expect(toMrkdwn("~~gone~~")).toBe("~gone~");
    expect(toMrkdwn("**bold with *italic* inside**")).toBe("*bold with _italic_ inside*");
    expect(toMrkdwn("***both***")).toBe("*_both_*");
  });

  test("a lone asterisk or arithmetic is not emphasis", () => {
    expect(toMrkdwn("5 * 3 = 15 and 2*x")).toBe("5 * 3 = 15 and 2*x");
    expect(toMrkdwn("snake_case_name")).toBe("snake_case_name");
  });

  test("links and images become <url|text>", () => {
    expect(toMrkdwn("see [the docs](https://example.com/a?b=1&c=2)")).toBe("see <https://example.com/a?b=1&amp;c=2|the docs>");
    expect(toMrkdwn("[**Bold** label](https://x.io)")).toBe("<https://x.io|*Bold* label>");
    expect(toMrkdwn("![diagram](https://x.io/d.png)")).toBe("<https://x.io/d.png|diagram>");
    expect(toMrkdwn("<https://x.io/path>")).toBe("<https://x.io/path>");
    expect(toMrkdwn("[https://x.io](https://x.io)")).toBe("<https://x.io>");
    expect(toMrkdwn("[wiki](https://en.wikipedia.org/wiki/Foo_(bar))")).toBe("<https://en.wikipedia.org/wiki/Foo_(bar)|wiki>");
  });

  test("headings become bold lines", () => {
    expect(toMrkdwn("# Title\n## Sub **bold** ##\ntext")).toBe("*Title*\n*Sub bold*\ntext");
  });

  test("bullets become • and quotes stay quotes", () => {
    expect(toMrkdwn("- one\n* two\n  + nested\n1. first")).toBe("• one\n• two\n  • nested\n1. first");
    expect(toMrkdwn("> quoted **text** & more")).toBe("> quoted *text* &amp; more");
  });

  test("escapes &, < and > in plain text (no accidental @channel or links)", () => {
    expect(toMrkdwn("a < b && c > d <!channel>")).toBe("a &lt; b &amp;&amp; c &gt; d &lt;!channel&gt;");
    expect(toMrkdwn("<@U123> hi")).toBe("&lt;@U123&gt; hi");
  });

  test("code is kept verbatim apart from escaping", () => {
    expect(toMrkdwn("use `**not bold** <tag>` here")).toBe("use `**not bold** &lt;tag&gt;` here");
    const md = "Before\n```ts\nconst x = a && b;\n# not a heading\n- not a bullet\n**not bold**\n```\nAfter **bold**";
    expect(toMrkdwn(md)).toBe("Before\n```\nconst x = a &amp;&amp; b;\n# not a heading\n- not a bullet\n**not bold**\n```\nAfter *bold*");
  });

  test("an unclosed fence is code to the end", () => {
    expect(toMrkdwn("```\n**x**")).toBe("```\n**x**\n```");
  });

  test("horizontal rules and blank lines", () => {
    expect(toMrkdwn("a\n\n---\n\nb")).toBe("a\n\n───\n\nb");
  });
});
